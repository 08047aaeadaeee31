import { parseEventStreamEvent } from './aws-eventstream.js';
import type { ParsedEvent, StreamFormat } from './types.js';

const LINE_END = /\r\n|\r|\n/;

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  // OpenAI-style streams end with this; a throw and catch costs more than the compare.
  if (text === '[DONE]') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function withJson(event: ParsedEvent): ParsedEvent {
  if (event.data === undefined) return event;
  const parsed = parseJson(event.data);
  if (parsed.ok) event.json = parsed.value;
  return event;
}

/**
 * The shape nearly every provider event has, `data: <one line>\n\n`: its data without splitting
 * it into lines (the field rules below give the same result). Undefined for any other shape.
 */
function singleDataLine(raw: string): string | undefined {
  const end = raw.length - 2;
  if (!raw.startsWith('data: ') || raw.charCodeAt(end) !== 10 || raw.charCodeAt(end + 1) !== 10) return undefined;
  // A line break before the end would start another line (another field, or a second data line).
  const lf = raw.indexOf('\n', 6);
  if (lf !== end || raw.includes('\r')) return undefined;
  return raw.slice(6, end);
}

function parseSse(raw: string): ParsedEvent {
  const single = singleDataLine(raw);
  if (single !== undefined) return withJson({ comments: [], data: single });
  const event: ParsedEvent = { comments: [] };
  const data: string[] = [];
  // WHATWG drops a byte order mark at the start of the stream; only the first event can hold one.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  for (const line of text.split(LINE_END)) {
    if (line.length === 0) continue;
    if (line.charCodeAt(0) === 58 /* ':' */) {
      event.comments.push(line.slice(1));
      continue;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'event':
        event.event = value;
        break;
      case 'data':
        data.push(value);
        break;
      case 'id':
        // WHATWG: an id containing NUL is ignored, so a later replay cannot resume from it.
        if (!value.includes('\0')) event.id = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) event.retry = Number(value);
        break;
      default:
      // Unknown fields are ignored, as browsers and the SDKs do.
    }
  }
  if (data.length > 0) event.data = data.join('\n');
  return withJson(event);
}

// A JSON-array element arrives with the `[` or `,` before it; the closing `]` only in the tail
// piece (see json-array-framer.ts). Stripping a trailing `]` is a fallback for text that was not
// framed by us (a whole array body), tried only when the element does not parse as it is.
function parseArrayElement(raw: string): ParsedEvent {
  let text = raw.trim();
  if (text.startsWith('[') || text.startsWith(',')) text = text.slice(1).trim();
  const event: ParsedEvent = { comments: [] };
  if (text.length === 0) return event;
  const parsed = parseJson(text);
  if (parsed.ok) return { comments: [], data: text, json: parsed.value };
  if (text.endsWith(']')) {
    const inner = text.slice(0, -1).trim();
    if (inner.length === 0) return event;
    const retried = parseJson(inner);
    if (retried.ok) return { comments: [], data: inner, json: retried.value };
  }
  return { comments: [], data: text };
}

/**
 * Parses one framed event. SSE follows the WHATWG field rules; for NDJSON and JSON-array
 * streams `data` is the element's JSON text (separators and whitespace stripped).
 */
export function parseEvent(format: StreamFormat, raw: string): ParsedEvent {
  switch (format) {
    case 'sse':
      return parseSse(raw);
    case 'json-array':
      return parseArrayElement(raw);
    case 'aws-eventstream':
      return parseEventStreamEvent(raw);
    case 'ndjson': {
      // NDJSON values may themselves be arrays, so only whitespace is stripped here.
      const text = raw.trim();
      return withJson(text.length === 0 ? { comments: [] } : { comments: [], data: text });
    }
  }
}

/** Where a captured event holds its parse: a symbol, so neither JSON nor a spread copy carries it. */
const PARSED = Symbol('parsed event');

/**
 * `parseEvent` of one captured event object, parsed once however many readers ask: cross-event
 * redaction, then assembly, both read every event of a recorded stream. Readers must not change
 * the result, except for an event they replace with a new object. The parse is kept on the object
 * itself (non-enumerable, under a symbol): a WeakMap entry per event cost more than the parse
 * saved, its entries being short-lived ephemerons the collector must trace.
 */
export function parseCapturedEvent(format: StreamFormat, event: { readonly raw: string }): ParsedEvent {
  const held = (event as { [PARSED]?: ParsedEvent })[PARSED];
  if (held !== undefined) return held;
  const parsed = parseEvent(format, event.raw);
  if (Object.isExtensible(event)) Object.defineProperty(event, PARSED, { value: parsed });
  return parsed;
}

/**
 * Writes an event in canonical SSE form (`event: x\ndata: y\n\n`), as mock mode serves it;
 * `json` is written as the data when `data` is absent.
 */
export function serializeSseEvent(e: ParsedEvent): string {
  let out = '';
  for (const comment of e.comments) {
    for (const line of comment.split(LINE_END)) out += `:${line}\n`;
  }
  if (e.event !== undefined) out += `event: ${e.event}\n`;
  if (e.id !== undefined) out += `id: ${e.id}\n`;
  if (e.retry !== undefined) out += `retry: ${e.retry}\n`;
  const data = e.data ?? (e.json === undefined ? undefined : JSON.stringify(e.json));
  if (data !== undefined) {
    for (const line of data.split(LINE_END)) out += `data: ${line}\n`;
  }
  return `${out}\n`;
}
