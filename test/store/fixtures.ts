// Shared helpers of the store tests: corpus interactions, temp dirs, file snapshots. Not a test file.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Interaction } from '../../src/types.js';

import { corpusInteraction } from '../helpers/corpus.js';
import type { CorpusIndexEntry } from '../helpers/corpus.js';

/** One Interaction per corpus file as the recorder would store it: byte-exact JSON bodies, usage. */
export function storedCorpusInteraction(entry: CorpusIndexEntry, episode: string, take: number, position: number): Interaction {
  const usage = { inputTokens: 10 * position, outputTokens: 5 * position };
  return { ...corpusInteraction(entry.file, position, { exact: true }), episode, take, usage };
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
