/**
 * Builds `Interaction`s from the recorded provider traffic in ../shared/corpus, the way the
 * proxy would have stored them: decoded bodies, lower-cased headers, streams split per event
 * with their exact text.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FamilyName, Interaction, StoredBody, StreamEvent, StreamFormat } from '../../src/types.js';

import { CORPUS_DIR } from '../helpers/corpus.js';

export { CORPUS_DIR };

interface IndexEntry {
  file: string;
  provider: string;
  streaming: boolean;
  status: number;
  content_type: string;
}

interface CorpusFile {
  provider: string;
  streaming: boolean;
  request: { method: string; url: string; body?: unknown; body_text?: string };
  response: { status: number; headers: Record<string, string[]>; body?: unknown; body_text?: string };
}

const FAMILY: Record<string, FamilyName> = { openai: 'openai', anthropic: 'anthropic', gemini: 'gemini' };
// Upstream path prefixes that the provider's configured upstream URL carries.
const PREFIX: Record<string, string> = { openrouter: '/api', groq: '/openai' };
const DROPPED_HEADERS = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'date', 'set-cookie', 'connection']);

/** The corpus index (51 files). */
export function corpusIndex(): IndexEntry[] {
  return JSON.parse(readFileSync(join(CORPUS_DIR, 'index.json'), 'utf8')) as IndexEntry[];
}

let cache: Map<string, Interaction> | undefined;

/** Every corpus file as an interaction, keyed by file name (`openai/chat-completions-basic.json`). */
export function corpusInteractions(): Map<string, Interaction> {
  if (cache) return cache;
  cache = new Map();
  corpusIndex().forEach((entry, i) => cache!.set(entry.file, toInteraction(entry.file, i + 1)));
  return cache;
}

/** A fresh (deep-copied) interaction of one corpus file. */
export function corpus(file: string): Interaction {
  const found = corpusInteractions().get(file);
  if (!found) throw new Error(`no corpus file ${file}`);
  return structuredClone(found);
}

/** Every corpus interaction, deep-copied. */
export function allCorpus(): Interaction[] {
  return [...corpusInteractions().values()].map((i) => structuredClone(i));
}

function toInteraction(file: string, position: number): Interaction {
  const c = JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as CorpusFile;
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
  const text = c.response.body_text || (c.response.body === undefined ? '' : JSON.stringify(c.response.body));
  const contentType = headers['content-type'] ?? '';
  const response: Interaction['response'] = { status: c.response.status, headers };
  if (c.streaming) {
    const format: StreamFormat = contentType.includes('event-stream') ? 'sse' : 'json-array';
    const pieces = format === 'sse' ? splitSse(text) : splitJsonArray(text);
    response.stream = { format, complete: true, events: pieces.map((raw, i): StreamEvent => ({ ms: i * 10, raw })) };
  } else {
    response.body = bodyOf(c.response.body, text);
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
    request: {
      method: c.request.method,
      path,
      query: [...url.searchParams.entries()],
      headers: {},
      body: bodyOf(c.request.body, requestText),
    },
    response,
    complete: true,
    timings: { ttfbMs: 5, totalMs: 50 },
    recordedAt: '2025-10-17T19:21:45.000Z',
    productVersion: '0.0.0-test',
  };
}

function bodyOf(json: unknown, text: string): StoredBody {
  if (json !== undefined && json !== null && typeof json === 'object') return { kind: 'json', json };
  if (text === '') return { kind: 'empty' };
  try {
    return { kind: 'json', json: JSON.parse(text) as unknown };
  } catch {
    return { kind: 'text', text };
  }
}

/** SSE events end at a blank line (`\n\n`, `\r\n\r\n`); each keeps its separator. */
export function splitSse(text: string): string[] {
  const out: string[] = [];
  const re = /[\s\S]*?(?:\r\n\r\n|\n\n|\r\r)/gy;
  let last = 0;
  for (let m = re.exec(text); m !== null && m[0] !== ''; m = re.exec(text)) {
    out.push(m[0]);
    last = re.lastIndex;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/**
 * A streamed JSON array framed as the proxy frames it: each piece is one element with the `[`
 * or `,` (and whitespace) before it; the closing `]` is the last piece.
 */
export function splitJsonArray(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') {
      depth--;
      if (depth === 1 && ch === '}') {
        out.push(text.slice(start, i + 1));
        start = i + 1;
      }
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}
