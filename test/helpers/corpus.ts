// Typed access to the recorded provider traffic corpus (../shared/corpus beside the repo, see its README.md).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// CI clones the repo with shared/ beside it, wherever that is; CASSETTE_CORPUS_DIR overrides.
const besideRepo = fileURLToPath(new URL('../../../shared/corpus', import.meta.url));
export const CORPUS_DIR = process.env.CASSETTE_CORPUS_DIR ?? (existsSync(besideRepo) ? besideRepo : '/work/shared/corpus');

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

export function corpusIndex(): CorpusIndexEntry[] {
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
