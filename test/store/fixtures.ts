// Shared helpers of the store tests: corpus interactions, temp dirs, file snapshots. Not a test file.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { FamilyName, Interaction, StoredBody, StoredStream } from '../../src/types.js';

import { CORPUS_DIR } from '../helpers/corpus.js';

export { CORPUS_DIR };

interface IndexEntry {
  file: string;
  provider: string;
  streaming: boolean;
  status: number;
}

interface CorpusFile {
  request: { method: string; url: string; body?: unknown; body_text?: string };
  response: { status: number; headers: Record<string, string[]>; body?: unknown; body_text?: string };
}

export function corpusIndex(): IndexEntry[] {
  return JSON.parse(readFileSync(join(CORPUS_DIR, 'index.json'), 'utf8')) as IndexEntry[];
}

/** One Interaction per corpus file, as the recorder would store it. */
export function corpusInteraction(entry: IndexEntry, episode: string, take: number, position: number): Interaction {
  const f = JSON.parse(readFileSync(join(CORPUS_DIR, entry.file), 'utf8')) as CorpusFile;
  const url = new URL(f.request.url);
  const headers = Object.fromEntries(Object.entries(f.response.headers).map(([k, v]) => [k.toLowerCase(), v.join(', ')]));
  const text = f.response.body_text ?? (f.response.body === undefined ? '' : JSON.stringify(f.response.body));
  const sse = entry.streaming && f.response.status === 200;
  const requestText =
    f.request.body_text ??
    (f.request.body == null ? '' : typeof f.request.body === 'string' ? f.request.body : JSON.stringify(f.request.body));
  return {
    episode,
    take,
    position,
    provider: entry.provider,
    family: familyOf(entry),
    key: createHash('sha256').update(entry.file).digest('hex'),
    keyVersion: 1,
    occurrence: 1,
    request: {
      method: f.request.method,
      path: url.pathname,
      query: [...url.searchParams],
      headers: { 'content-type': 'application/json' },
      body: storedBody(requestText),
    },
    response: sse
      ? { status: f.response.status, headers, stream: sseStream(text, headers['content-type'] ?? '') }
      : { status: f.response.status, headers, body: storedBody(text) },
    complete: true,
    timings: { ttfbMs: 100 + position, totalMs: 900 + position },
    usage: { inputTokens: 10 * position, outputTokens: 5 * position },
    recordedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, position)).toISOString(),
    productVersion: '0.1.0',
  };
}

/** Splits a stream body on blank lines, keeping each event's exact text with its separator. */
export function sseStream(text: string, contentType: string): StoredStream {
  const events: StoredStream['events'] = [];
  let rest = text;
  while (rest.length > 0) {
    const m = /\r\n\r\n|\n\n/.exec(rest);
    const end = m ? m.index + m[0].length : rest.length;
    events.push({ ms: 12 * (events.length + 1), raw: rest.slice(0, end) });
    rest = rest.slice(end);
  }
  if (events.map((e) => e.raw).join('') !== text) throw new Error('split lost bytes');
  return { format: /event-stream/.test(contentType) ? 'sse' : 'json-array', events, complete: true };
}

export function storedBody(text: string): StoredBody {
  if (text === '') return { kind: 'empty' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'text', text };
  }
  for (const indent of [0, 2, 4]) {
    if (JSON.stringify(json, null, indent) === text) return indent === 0 ? { kind: 'json', json } : { kind: 'json', json, indent };
  }
  return { kind: 'json', json, raw: text };
}

function familyOf(entry: IndexEntry): FamilyName {
  if (entry.provider === 'anthropic' && !entry.file.includes('openai-compat')) return 'anthropic';
  return entry.provider === 'gemini' ? 'gemini' : 'openai';
}

/** A small synthetic interaction (for volume and concurrency tests). */
export function tinyInteraction(episode: string, position: number, tag = 't'): Interaction {
  return {
    episode,
    take: 0,
    position,
    provider: 'openai',
    family: 'openai',
    key: `${tag}-${position}`,
    keyVersion: 1,
    occurrence: 1,
    request: { method: 'POST', path: '/v1/chat/completions', query: [], headers: {}, body: { kind: 'json', json: { tag, position } } },
    response: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { kind: 'json', json: { answer: `${tag}:${position}` } },
    },
    complete: true,
    timings: { ttfbMs: 1, totalMs: 2 },
    recordedAt: '2025-01-01T00:00:00.000Z',
    productVersion: '0.1.0',
  };
}

export function tempDir(prefix = 'cassette-store-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Every file under `dir` by relative path, with its bytes. */
export function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p));
    }
  };
  walk(dir);
  return out;
}
