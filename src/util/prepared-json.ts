import { randomUUID } from 'node:crypto';
import type { Interaction } from '../types.js';

/**
 * JSON already written for parts of an interaction (a stream's events, a body, the assembled
 * answer), as UTF-8 bytes, by the thread that finished a large answer (src/modes/large-answer.ts):
 * the row is then written without serialising or copying tens of MiB again on the event loop.
 * Keyed by the very object, so a part that is replaced is serialised anew; a remembered part must
 * not be changed in place after it was remembered. Bytes moved to another thread (the SQLite row
 * thread) are gone from here: the part is then serialised anew if it is ever needed again.
 */
const prepared = new WeakMap<object, Uint8Array>();

/**
 * The exact `JSON.stringify` text of small parts (a JSON body whose text was checked to be what
 * JSON.stringify writes for it: src/match/body-codec.ts `jsonBody`), so that the row's JSON
 * splices that text instead of serialising the parsed value a second time (issue 20). Same rule as
 * above: a remembered part is never changed in place (or is forgotten first: `forgetJsonText`).
 * Unlike the bytes above, these do not make a row "large" (`hasPreparedJson`).
 */
const texts = new WeakMap<object, string>();

/** Remembers `json` as the UTF-8 bytes of the exact `JSON.stringify(value)`; returns `value`. */
export function rememberJson<T extends object>(value: T, json: Uint8Array): T {
  prepared.set(value, json);
  return value;
}

/** Remembers `text`, the exact `JSON.stringify(value)` of a small part; returns `value`. */
export function rememberJsonText<T extends object>(value: T, text: string): T {
  texts.set(value, text);
  return value;
}

/** Forgets the text remembered for `value` (it is about to be changed in place). */
export function forgetJsonText(value: object): void {
  texts.delete(value);
}

/** The text remembered for `value` (`rememberJsonText`), if any. */
export function jsonTextOf(value: object | undefined): string | undefined {
  return value === undefined ? undefined : texts.get(value);
}

/** The remembered bytes of `value`, unless there are none or they were moved to another thread. */
function bytesOf(value: object | undefined): Uint8Array | undefined {
  const bytes = value && prepared.get(value);
  // JSON is never empty: no bytes left means they were transferred (the buffer is detached).
  return bytes && bytes.byteLength > 0 ? bytes : undefined;
}

/** True when a part of the interaction was serialised already (it is a large answer). */
export function hasPreparedJson(i: Interaction): boolean {
  return bytesOf(i.response.stream?.events) !== undefined || bytesOf(i.response.body) !== undefined || bytesOf(i.assembled) !== undefined;
}

/** An interaction's JSON in pieces: `pieces[0] + parts[0] + pieces[1] + … + pieces[n]`. */
export interface PreparedJson {
  /** The text around the remembered parts (small: the interaction without its large parts). */
  pieces: string[];
  /** The remembered parts' UTF-8 bytes, in the order they stand in the JSON. */
  parts: Uint8Array[];
}

// Stands in for a remembered part while the rest of the row is serialised. Random per process: no
// recorded text can hold it by chance or on purpose.
const SLOT = `\u0000cassette-prepared-${randomUUID()}-`;
// The bodies' slots when their texts are spliced (`stringifyInteraction`), and their JSON strings.
const REQUEST_SLOT = `${SLOT}request`;
const RESPONSE_SLOT = `${SLOT}response`;
const REQUEST_MARKER = JSON.stringify(REQUEST_SLOT);
const RESPONSE_MARKER = JSON.stringify(RESPONSE_SLOT);

/**
 * `JSON.stringify(i)` with the remembered parts left as bytes: JSON.stringify writes a value the
 * same wherever it stands, so the joined result is byte for byte `JSON.stringify(i)`. Undefined
 * when no part is remembered.
 */
export function prepareInteractionJson(i: Interaction): PreparedJson | undefined {
  const { response, assembled } = i;
  const eventsJson = bytesOf(response.stream?.events);
  const bodyJson = bytesOf(response.body);
  const assembledJson = bytesOf(assembled);
  if (eventsJson === undefined && bodyJson === undefined && assembledJson === undefined) return undefined;
  const slotted: Uint8Array[] = [];
  const slot = (json: Uint8Array): string => `${SLOT}${slotted.push(json) - 1}`;
  const skeleton: Interaction = {
    ...i,
    response: {
      ...response,
      ...(response.stream && eventsJson !== undefined ? { stream: { ...response.stream, events: slot(eventsJson) as never } } : {}),
      ...(response.body && bodyJson !== undefined ? { body: slot(bodyJson) as never } : {}),
    },
    ...(assembledJson !== undefined ? { assembled: slot(assembledJson) as never } : {}),
  };
  const text = JSON.stringify(skeleton);
  const found = slotted
    .map((json, n) => {
      const marker = JSON.stringify(`${SLOT}${n}`);
      return { json, at: text.indexOf(marker), length: marker.length };
    })
    .sort((a, b) => a.at - b.at);
  const pieces: string[] = [];
  let from = 0;
  for (const { at, length } of found) {
    pieces.push(text.slice(from, at));
    from = at + length;
  }
  pieces.push(text.slice(from));
  return { pieces, parts: found.map((f) => f.json) };
}

/** The whole JSON of prepared pieces, as UTF-8 bytes (the SQLite row thread binds them as text). */
export function joinPreparedJson({ pieces, parts }: PreparedJson): Buffer {
  const all: Uint8Array[] = [];
  pieces.forEach((piece, n) => {
    all.push(Buffer.from(piece, 'utf8'));
    const part = parts[n];
    if (part) all.push(part);
  });
  return Buffer.concat(all);
}

/** The buffers of prepared parts, to move (transfer) to another thread rather than copy them. */
export function preparedBuffers({ parts }: PreparedJson): ArrayBuffer[] {
  return parts.flatMap((p) => (p.byteOffset === 0 && p.byteLength === p.buffer.byteLength ? [p.buffer as ArrayBuffer] : []));
}

const utf8 = new TextDecoder();

/**
 * `JSON.stringify(i)`, byte for byte, with the remembered parts decoded (bytes) or spliced (texts)
 * rather than serialised again.
 */
export function stringifyInteraction(i: Interaction): string {
  const p = prepareInteractionJson(i);
  if (p !== undefined) return p.pieces.map((piece, n) => piece + (p.parts[n] ? utf8.decode(p.parts[n]) : '')).join('');
  const { request, response } = i;
  const requestText = jsonTextOf(request.body);
  const responseText = jsonTextOf(response.body);
  if (requestText === undefined && responseText === undefined) return JSON.stringify(i);
  // Slots stand in for the bodies; JSON.stringify writes a value the same wherever it stands, so
  // putting the texts where the slots' JSON strings are gives `JSON.stringify(i)` exactly.
  const text = JSON.stringify({
    ...i,
    request: requestText === undefined ? request : { ...request, body: REQUEST_SLOT as never },
    response: responseText === undefined ? response : { ...response, body: RESPONSE_SLOT as never },
  });
  const withRequest = requestText === undefined ? text : spliceAt(text, REQUEST_MARKER, requestText);
  return responseText === undefined ? withRequest : spliceAt(withRequest, RESPONSE_MARKER, responseText);
}

/** `text` with its one occurrence of `marker` replaced by `part` (no `$` patterns, unlike replace()). */
function spliceAt(text: string, marker: string, part: string): string {
  const at = text.indexOf(marker);
  return text.slice(0, at) + part + text.slice(at + marker.length);
}
