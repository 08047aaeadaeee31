/** Mutations of recorded interactions: the real-world drift kinds, and harmless re-records. */
import type { Interaction } from '../../src/types.js';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The same request recorded again as take 2 of its episode. */
export function retake(i: Interaction, take = 2): Interaction {
  const copy = structuredClone(i);
  copy.take = take;
  return copy;
}

/** Rewrites the JSON body in place. */
export function editBody(i: Interaction, edit: (json: Json) => Json | void): Interaction {
  const body = i.response.body;
  if (body?.kind !== 'json') throw new Error('not a JSON body');
  const out = edit(body.json);
  if (out !== undefined) body.json = out;
  return i;
}

/** One SSE event as a provider writes it. */
export function sseEvent(json: unknown, event?: string, sep = '\n\n'): string {
  return `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(json)}${sep}`;
}

const DATA_LINE = /^data: ?(.*)$/m;

/** Rewrites each event's JSON data (the raw text keeps its other lines and its separator). */
export function editEvents(i: Interaction, edit: (json: Json, event: string | undefined, index: number) => Json | void): Interaction {
  const stream = i.response.stream!;
  stream.events.forEach((e, index) => {
    e.raw = mapEventJson(e.raw, stream.format, (json) => edit(json, /^event: ?(.*)$/m.exec(e.raw)?.[1], index));
  });
  return i;
}

function mapEventJson(raw: string, format: string, edit: (json: Json) => Json | void): string {
  if (format === 'sse') {
    const m = DATA_LINE.exec(raw);
    if (!m || !m[1]!.startsWith('{')) return raw;
    const json = JSON.parse(m[1]!) as Json;
    const out = edit(json) ?? json;
    return raw.replace(DATA_LINE, () => `data: ${JSON.stringify(out)}`);
  }
  const lead = /^[\s[,]*/.exec(raw)![0];
  const tail = /[\s\]]*$/.exec(raw.slice(lead.length))![0];
  const body = raw.slice(lead.length, raw.length - tail.length);
  if (!body.startsWith('{')) return raw;
  const json = JSON.parse(body) as Json;
  return lead + JSON.stringify(edit(json) ?? json) + tail;
}

/** Keeps, drops or replaces raw events. */
export function mapRawEvents(i: Interaction, map: (raw: string, index: number) => string | string[] | null): Interaction {
  const stream = i.response.stream!;
  const events: typeof stream.events = [];
  stream.events.forEach((e, index) => {
    const out = map(e.raw, index);
    if (out === null) return;
    for (const raw of Array.isArray(out) ? out : [out]) events.push({ ms: e.ms, raw });
  });
  stream.events = events;
  return i;
}

/** A tiny deterministic PRNG so re-records are reproducible. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const VOLATILE_STRING = /^(id|system_fingerprint|obfuscation|signature|thoughtSignature|encrypted_content|responseId|.*_id)$/;
const VOLATILE_NUMBER = /^(created|created_at|completed_at|sequence_number)$/;
const USAGE = /^(usage|usageMetadata|x_groq|cost_details)$/;

/** Same character classes, new characters: what a fresh id or fingerprint looks like. */
function reroll(value: string, next: () => number, keepPrefix: boolean): string {
  const prefix = keepPrefix ? (/^[a-z]+[-_]/.exec(value)?.[0] ?? '') : '';
  const pick = (set: string): string => set[Math.floor(next() * set.length)]!;
  let out = prefix;
  for (const ch of value.slice(prefix.length)) {
    if (/[0-9]/.test(ch)) out += pick('0123456789');
    else if (/[a-z]/.test(ch)) out += pick('abcdefghijklmnopqrstuvwxyz');
    else if (/[A-Z]/.test(ch)) out += pick('ABCDEFGHIJKLMNOPQRSTUVWXYZ');
    else out += ch;
  }
  return out;
}

/** Changes every volatile value of a JSON document: ids, timestamps, usage numbers, fingerprints. */
export function revolatilize(json: Json, next: () => number, inUsage = false): Json {
  if (Array.isArray(json)) return json.map((v) => revolatilize(v, next, inUsage));
  if (json === null || typeof json !== 'object') return json;
  for (const [key, value] of Object.entries(json)) {
    if (typeof value === 'string' && VOLATILE_STRING.test(key)) {
      const length = key === 'obfuscation' ? 4 + Math.floor(next() * 12) : value.length;
      json[key] =
        key === 'obfuscation'
          ? reroll(
              'x'.repeat(length).replace(/x/g, () => 'aA0'[Math.floor(next() * 3)]!),
              next,
              false,
            )
          : reroll(value, next, true);
    } else if (typeof value === 'number' && (VOLATILE_NUMBER.test(key) || inUsage)) {
      json[key] = Number.isInteger(value) ? value + 1 + Math.floor(next() * 1000) : value * (1 + next());
    } else {
      json[key] = revolatilize(value, next, inUsage || USAGE.test(key));
    }
  }
  return json;
}

/** Re-records an interaction with only volatile values changed. */
export function volatileRerecord(i: Interaction, seed: number): Interaction {
  const copy = retake(i);
  const next = rng(seed);
  if (copy.response.body?.kind === 'json') copy.response.body.json = revolatilize(copy.response.body.json, next);
  if (copy.response.stream) editEvents(copy, (json) => revolatilize(json, next));
  return copy;
}
