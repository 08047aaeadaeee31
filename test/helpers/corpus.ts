// Typed access to the recorded provider traffic corpus (test/fixtures/corpus, see its README.md).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFramer } from '../../src/stream/create-framer.js';
import { detectStreamFormat } from '../../src/stream/detect-stream-format.js';
import type { Interaction, StoredBody, StreamFormat } from '../../src/types.js';

// Vendored so a fresh clone tests on its own; CASSETTE_CORPUS_DIR points at another copy.
const vendored = fileURLToPath(new URL('../fixtures/corpus', import.meta.url));
export const CORPUS_DIR = process.env.CASSETTE_CORPUS_DIR ?? vendored;
export const hasCorpus = existsSync(join(CORPUS_DIR, 'index.json'));

/** Header name → values, names in whatever case the recording client kept. */
export type CorpusHeaders = Record<string, string[]>;

export interface CorpusIndexEntry {
  file: string;
  provider: string;
  endpoint: string;
  streaming: boolean;
  status: number;
  content_type: string;
  stored_content_encoding: string | null;
}

export interface CorpusRequest {
  method: string;
  url: string;
  headers: CorpusHeaders;
  /** Parsed JSON, a string when not JSON, or null. */
  body: unknown;
  /** Exact request body as sent (absent for pydantic-ai cassettes). */
  body_text?: string;
}

export interface CorpusResponse {
  status: number;
  reason?: string;
  headers: CorpusHeaders;
  /** Present only when the whole decoded body parses as JSON. */
  body?: unknown;
  /** Exact decoded body text (absent for pydantic-ai JSON bodies: they kept `body` only). */
  body_text?: string;
  body_encoding_as_stored?: 'gzip';
  body_base64_as_stored?: string;
}

export interface CorpusInteraction {
  file: string;
  provider: string;
  endpoint: string;
  streaming: boolean;
  status: number;
  request: CorpusRequest;
  response: CorpusResponse;
}

let index: CorpusIndexEntry[] | undefined;
const cache = new Map<string, CorpusInteraction>();

/** The corpus index (51 files); empty without the corpus, for the tests that skip then. */
export function corpusIndex(): CorpusIndexEntry[] {
  if (!hasCorpus) return [];
  index ??= JSON.parse(readFileSync(join(CORPUS_DIR, 'index.json'), 'utf8')) as CorpusIndexEntry[];
  return index;
}

/** One corpus file, e.g. `openai/chat-completions-basic.json`. */
export function corpus(file: string): CorpusInteraction {
  let hit = cache.get(file);
  if (!hit) {
    const raw = JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as Omit<CorpusInteraction, 'file'>;
    hit = { ...raw, file, status: raw.response.status };
    cache.set(file, hit);
  }
  return structuredClone(hit);
}

/** The decoded response body text (pydantic-ai files re-serialized from `body`). */
export function responseText(i: CorpusInteraction): string {
  if (i.response.body_text !== undefined) return i.response.body_text;
  return i.response.body === undefined ? '' : JSON.stringify(i.response.body);
}

/** The decoded response body parsed as JSON (throws for SSE and text bodies). */
export function responseJson<T = any>(i: CorpusInteraction): T {
  return JSON.parse(responseText(i)) as T;
}

/** First value of a header, case-insensitively. */
export function headerOf(headers: CorpusHeaders, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === lower) return v[0];
  return undefined;
}

export function isEventStream(i: CorpusInteraction): boolean {
  return /text\/event-stream/i.test(headerOf(i.response.headers, 'content-type') ?? '');
}

/**
 * Splits an SSE body into events, each keeping its own trailing blank-line separator
 * (`\n\n` or Gemini's `\r\n\r\n`), so the pieces concatenate back to the exact text.
 */
export function splitSseEvents(text: string): string[] {
  return text.split(/(?<=\r\n\r\n|\n\n)/).filter((piece) => piece.length > 0);
}

/** The JSON `data:` payloads of an SSE body, in order (comments, `[DONE]` and non-JSON data skipped). */
export function sseJson(text: string): any[] {
  const out: unknown[] = [];
  for (const event of splitSseEvents(text)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
      .join('\n');
    if (!data || data === '[DONE]') continue;
    try {
      out.push(JSON.parse(data));
    } catch {
      // not JSON: not part of the answer
    }
  }
  return out;
}

export function routeOf(i: CorpusInteraction): { path: string; query: string } {
  const url = new URL(i.request.url);
  return { path: decodeURIComponent(url.pathname), query: url.search.slice(1) };
}

export function formatOf(i: CorpusInteraction): StreamFormat | undefined {
  const { path, query } = routeOf(i);
  return detectStreamFormat(headerOf(i.response.headers, 'content-type'), path, query);
}

/** A corpus stream framed in one piece into its raw events. */
export function corpusRaws(file: string): string[] {
  const recorded = corpus(file);
  const format = formatOf(recorded);
  if (format === undefined) throw new Error(`${file}: not detected as a stream`);
  const framer = createFramer(format);
  return [...framer.push(responseText(recorded)), ...framer.end()];
}

const FAMILY: Record<string, string> = { openai: 'openai', anthropic: 'anthropic', gemini: 'gemini' };
// Upstream path prefixes that the provider's configured upstream URL carries.
const PREFIX: Record<string, string> = { openrouter: '/api', groq: '/openai' };
const DROPPED_HEADERS = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'date', 'set-cookie', 'connection']);

/**
 * One corpus file as an `Interaction`, the way the proxy would have stored it: decoded bodies, lower-cased
 * headers, the path below the provider prefix, streams framed per event with their exact text.
 * `exact`: JSON bodies also keep what reproduces their bytes (`indent` or `raw`).
 */
export function corpusInteraction(file: string, position = 1, { exact = false } = {}): Interaction {
  const c = corpus(file);
  const url = new URL(c.request.url);
  const prefix = PREFIX[c.provider] ?? '';
  const path = prefix && url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(c.response.headers)) {
    const lower = name.toLowerCase();
    if (!DROPPED_HEADERS.has(lower)) headers[lower] = values.join(', ');
  }
  const requestText = c.request.body_text ?? (c.request.body === undefined ? '' : JSON.stringify(c.request.body));
  const key = createHash('sha256')
    .update(`${c.request.method}\n${c.provider}\n${path}\n${url.search}\n${requestText}`)
    .digest('hex')
    .slice(0, 32);
  const response: Interaction['response'] = { status: c.response.status, headers };
  if (c.streaming) {
    response.stream = { format: formatOf(c)!, complete: true, events: corpusRaws(file).map((raw, i) => ({ ms: i * 10, raw })) };
  } else {
    response.body = storedBody(responseText(c), exact);
  }
  return {
    episode: file.replace(/\.json$/, '').replace(/\//g, '.'),
    take: 1,
    position,
    provider: c.provider,
    family: FAMILY[c.provider] ?? 'openai',
    key,
    keyVersion: 1,
    occurrence: 1,
    request: { method: c.request.method, path, query: [...url.searchParams.entries()], headers: {}, body: storedBody(requestText, exact) },
    response,
    complete: true,
    timings: { ttfbMs: 5, totalMs: 50 },
    recordedAt: '2025-10-17T19:21:45.000Z',
    productVersion: '0.0.0-test',
  };
}

function storedBody(text: string, exact: boolean): StoredBody {
  if (text === '') return { kind: 'empty' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'text', text };
  }
  if (!exact) return { kind: 'json', json };
  for (const indent of [0, 2, 4]) {
    if (JSON.stringify(json, null, indent) === text) return indent === 0 ? { kind: 'json', json } : { kind: 'json', json, indent };
  }
  return { kind: 'json', json, raw: text };
}
