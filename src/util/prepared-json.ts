import { randomUUID } from 'node:crypto';
import type { Interaction } from '../types.js';

/**
 * JSON texts already written for parts of an interaction, by the thread that finished a large
 * answer (src/upstream/large-answer.ts): the row is then written on the event loop without
 * serialising tens of MiB of events again. Keyed by the very object, so a part that is replaced
 * is serialised anew; a remembered part must not be changed in place after it was remembered.
 */
const prepared = new WeakMap<object, string>();

/** Remembers `json` as the exact `JSON.stringify(value)`; returns `value`. */
export function rememberJson<T extends object>(value: T, json: string): T {
  prepared.set(value, json);
  return value;
}

/** `JSON.stringify(value)`, from what was remembered for it when there is. */
export function jsonOf(value: unknown): string {
  return (typeof value === 'object' && value !== null && prepared.get(value)) || JSON.stringify(value);
}

/** True when a part of the interaction was serialised already (it is a large answer). */
export function hasPreparedJson(i: Interaction): boolean {
  const { response, assembled } = i;
  const events = response.stream?.events;
  return (
    (events !== undefined && prepared.has(events)) ||
    (response.body !== undefined && prepared.has(response.body)) ||
    (assembled !== undefined && prepared.has(assembled))
  );
}

// Stands in for a remembered part while the rest of the row is serialised. Random per process: no
// recorded text can hold it by chance or on purpose.
const SLOT = `\u0000cassette-prepared-${randomUUID()}-`;

/**
 * `JSON.stringify(i)`, byte for byte, with the remembered parts (a stream's events, a body, the
 * assembled answer) spliced in: JSON.stringify writes a value the same wherever it stands.
 */
export function stringifyInteraction(i: Interaction): string {
  const { response, assembled } = i;
  const events = response.stream?.events;
  const eventsJson = events && prepared.get(events);
  const bodyJson = response.body && prepared.get(response.body);
  const assembledJson = assembled && prepared.get(assembled);
  if (eventsJson === undefined && bodyJson === undefined && assembledJson === undefined) return JSON.stringify(i);
  const parts: string[] = [];
  const slot = (json: string): string => `${SLOT}${parts.push(json) - 1}`;
  const skeleton: Interaction = {
    ...i,
    response: {
      ...response,
      ...(response.stream && eventsJson !== undefined ? { stream: { ...response.stream, events: slot(eventsJson) as never } } : {}),
      ...(response.body && bodyJson !== undefined ? { body: slot(bodyJson) as never } : {}),
    },
    ...(assembledJson !== undefined ? { assembled: slot(assembledJson) as never } : {}),
  };
  let out = JSON.stringify(skeleton);
  parts.forEach((json, n) => {
    const at = out.indexOf(JSON.stringify(`${SLOT}${n}`));
    out = out.slice(0, at) + json + out.slice(at + JSON.stringify(`${SLOT}${n}`).length);
  });
  return out;
}
