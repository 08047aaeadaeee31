import type { StoredBody } from '../types.js';
import { rememberJsonText } from '../util/prepared-json.js';

// ignoreBOM: a leading byte order mark is part of the body's bytes and must come back on replay.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * JSON nested deeper than this is stored and keyed as text: redaction, the canonical form and the
 * key walk JSON recursively, and a hostile body thousands of levels deep would overflow the stack.
 * Far beyond any real request (tool schemas nest a few dozen levels at most).
 */
export const MAX_JSON_DEPTH = 256;

/**
 * A compact JSON body this long or longer is remembered as its text for the row's JSON (see
 * `jsonBody`); a shorter one is serialised again, which costs less than remembering it (a
 * side test: the splice saves ~1.3 µs of 4.7 at 1 KB, nothing at 300 bytes).
 */
export const SPLICED_BODY_CHARS = 512;

export interface EncodeOptions {
  /** Rewrites the text before it is parsed (secrets out). */
  redact?: (text: string) => string;
  /** False: a JSON body needs only its parsed value, not what reproduces its exact bytes (requests). */
  exact?: boolean;
}

/**
 * Turns body bytes into their stored form: JSON when it parses (with what reproduces the exact
 * bytes), text when it is UTF-8, base64 otherwise.
 */
export function encodeBody(bytes: Buffer, contentType: string | undefined, options: EncodeOptions = {}): StoredBody {
  if (bytes.length === 0) return { kind: 'empty' };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { kind: 'base64', base64: (options.redact ? redactTextBytes(bytes, options.redact) : bytes).toString('base64') };
  }
  if (options.redact) text = options.redact(text);
  if (looksLikeJson(text, contentType)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { kind: 'text', text };
    }
    if (mayNestDeeperThan(text, MAX_JSON_DEPTH) && deeperThan(json, MAX_JSON_DEPTH)) return { kind: 'text', text };
    return options.exact === false ? { kind: 'json', json } : jsonBody(json, text);
  }
  return { kind: 'text', text };
}

/** A JSON stored body that re-serializes to exactly `text`. */
export function jsonBody(json: unknown, text: string): StoredBody {
  // Only the indentation the text itself shows is worth a try: one JSON.stringify, not three.
  const indent = /^[[{]\n( +)/.exec(text)?.[1]?.length ?? 0;
  if (indent <= 10 && JSON.stringify(json, null, indent) === text) {
    if (indent !== 0) return { kind: 'json', json, indent };
    // The row's JSON splices this very text rather than serialising the value once more (issue 20).
    const body: StoredBody = { kind: 'json', json };
    return text.length < SPLICED_BODY_CHARS ? body : rememberJsonText(body, `{"kind":"json","json":${text}}`);
  }
  // Trailing newline, odd spacing, key order JS cannot keep (numeric keys), big numbers: keep the bytes.
  return { kind: 'json', json, raw: text };
}

/**
 * Redacts a body that is not UTF-8 but still text (Latin-1, Windows-1252, Shift-JIS...: no control
 * bytes but tab, line breaks, form feed and escape): credential shapes are ASCII, so they are found
 * in its Latin-1 reading and replaced byte for byte around them (issue 13 item 15). Binary bytes
 * (audio, images, compressed data, all full of control bytes) are returned as they are: a
 * replacement there would corrupt what golden replays.
 */
export function redactTextBytes(bytes: Buffer, redact: (text: string) => string): Buffer {
  if (!looksLikeText(bytes)) return bytes;
  const text = bytes.toString('latin1');
  const redacted = redact(text);
  return redacted === text ? bytes : Buffer.from(redacted, 'latin1');
}

function looksLikeText(bytes: Buffer): boolean {
  for (const b of bytes) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) return false;
  return true;
}

/** The exact bytes a stored body stands for. */
export function decodeBody(body: StoredBody): Buffer {
  switch (body.kind) {
    case 'empty':
      return Buffer.alloc(0);
    case 'json':
      return Buffer.from(body.raw ?? JSON.stringify(body.json, null, body.indent ?? 0), 'utf8');
    case 'text':
      return Buffer.from(body.text, 'utf8');
    case 'base64':
      return Buffer.from(body.base64, 'base64');
  }
}

function looksLikeJson(text: string, contentType: string | undefined): boolean {
  if (contentType !== undefined && /\bjson\b/i.test(contentType)) return true;
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}

/**
 * False when `text` holds at most `limit` opening brackets (anywhere, strings included): its JSON
 * cannot nest deeper, and the walk of the parsed value is skipped (most bodies: a few dozen).
 */
function mayNestDeeperThan(text: string, limit: number): boolean {
  let count = 0;
  for (let at = text.indexOf('{'); at >= 0 && count <= limit; at = text.indexOf('{', at + 1)) count++;
  for (let at = text.indexOf('['); at >= 0 && count <= limit; at = text.indexOf('[', at + 1)) count++;
  return count > limit;
}

/** True when `value` nests objects and arrays more than `limit` levels deep (iterative: no recursion). */
function deeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let top = stack.pop(); top; top = stack.pop()) {
    const [node, depth] = top;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node as object)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
