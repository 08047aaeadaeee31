// Crash safety: a live proxy (CLI child, real store) is SIGKILLed mid-session while JSON answers
// and SSE streams are in flight; a golden proxy on the same store then serves every interaction
// the client received completely, byte for byte, and nothing that was cut.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { verifyStore } from '../../src/store/verify-store.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { call, chatRequestBody, expectedAnswer, integrityCheck, spawnProxy, sqliteRows, startLlmUpstream, waitFor } from './harness.js';
import type { CallResult, LlmUpstream, ProxyChild } from './harness.js';

useCleanup();

const CHAT = '/openai/v1/chat/completions';
const SOAK = Boolean(process.env.CASSETTE_SOAK);

interface Sent {
  prompt: string;
  stream: boolean;
  result: CallResult;
  long: boolean;
}

/**
 * Fires `workers` sequential request loops (alternating JSON and short SSE, distinct prompts) and
 * `longStreams` never-ending streams at a live proxy, then SIGKILLs it once at least
 * `minComplete` answers arrived and every long stream is under way.
 */
async function loadThenKill(
  proxy: ProxyChild,
  upstream: LlmUpstream,
  opts: {
    round: number;
    workers: number;
    longStreams: number;
    minComplete: number;
  },
): Promise<Sent[]> {
  const sent: Sent[] = [];
  let stop = false;
  let counter = 0;
  const longs = Array.from({ length: opts.longStreams }, async (_, i) => {
    const prompt = `long:r${opts.round}-${i}`;
    const result = await call(proxy.url, CHAT, {
      body: chatRequestBody(prompt, true),
      timeoutMs: 30_000,
    });
    sent.push({ prompt, stream: true, result, long: true });
  });
  const workers = Array.from({ length: opts.workers }, async (_, w) => {
    while (!stop) {
      const k = counter++;
      const stream = k % 2 === 1;
      const prompt = `r${opts.round}-w${w}-q${k}${stream ? '-sse' : ''}`;
      const result = await call(proxy.url, CHAT, {
        body: chatRequestBody(prompt, stream),
        timeoutMs: 30_000,
      });
      sent.push({ prompt, stream, result, long: false });
    }
  });
  const completed = (): number => sent.filter((s) => s.result.complete).length;
  await waitFor(() => upstream.openStreams >= opts.longStreams && completed() >= opts.minComplete, 20_000, 'load to build up');
  // Land the kill at an arbitrary point of the request mix, not right after a completion.
  await sleep(Math.floor(Math.random() * 15));
  stop = true;
  await proxy.kill9();
  await Promise.all([...workers, ...longs]);
  return sent;
}

/** Replays every sent request against a golden proxy and checks the crash-safety contract. */
async function assertReplay(golden: ProxyChild, sent: Sent[]): Promise<{ replayed: number; missed: number }> {
  let replayed = 0;
  let missed = 0;
  const queue = [...sent];
  const check = async (s: Sent): Promise<void> => {
    const r = await call(golden.url, CHAT, {
      body: chatRequestBody(s.prompt, s.stream),
    });
    const where = `${s.prompt} (live: status ${s.result.status}, complete ${s.result.complete}, ${s.result.body.length} bytes)`;
    expect(r.complete, where).toBe(true);
    if (s.long) {
      // Still streaming when the proxy died: never served, a clear miss.
      expect(r.status, where).toBe(404);
      expect(r.headers['x-cassette-miss'], where).toBe('1');
      missed++;
    } else if (s.result.complete && s.result.status === 200) {
      // Fully received: replayed byte for byte.
      expect(r.status, where).toBe(200);
      expect(r.headers['content-type'], where).toBe(s.result.headers['content-type']);
      expect(r.body.toString('utf8'), where).toBe(s.result.body.toString('utf8'));
      replayed++;
    } else if (r.status === 200) {
      // Cut on the way to the client after the proxy had all of it: only ever the whole answer.
      expect(r.body.toString('utf8'), where).toBe(expectedAnswer(s.prompt, s.stream));
      replayed++;
    } else {
      expect(r.status, where).toBe(404);
      expect(r.headers['x-cassette-miss'], where).toBe('1');
      missed++;
    }
  };
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let s = queue.shift(); s; s = queue.shift()) await check(s);
    }),
  );
  return { replayed, missed };
}

describe.each([
  ['sqlite', 'store.db'],
  ['directory', 'store-dir'],
])('kill -9 of a live %s proxy mid-session', (kind, name) => {
  it(
    'golden serves every fully received answer byte-identical and misses every cut one',
    async () => {
      const upstream = await startLlmUpstream();
      const storePath = join(tempDir('cassette-crash-'), name);
      const rounds = SOAK ? 5 : 1;
      const all: Sent[] = [];
      for (let round = 1; round <= rounds; round++) {
        const live = await spawnProxy(['--mode', 'live', '--store', storePath, '--upstream', `openai=${upstream.url}`]);
        const sent = await loadThenKill(live, upstream, {
          round,
          workers: 6,
          longStreams: 4,
          minComplete: SOAK ? 150 : 40,
        });
        all.push(...sent);
        const fully = sent.filter((s) => !s.long && s.result.complete && s.result.status === 200);
        // The kill really was mid-session: answers completed, long streams had begun and were cut.
        expect(fully.length).toBeGreaterThanOrEqual(SOAK ? 150 : 40);
        for (const s of sent.filter((x) => x.long)) {
          expect(s.result.complete, s.prompt).toBe(false);
          expect(s.result.body.length, s.prompt).toBeGreaterThan(0);
        }
        for (const s of fully) expect(s.result.body.toString('utf8'), s.prompt).toBe(expectedAnswer(s.prompt, s.stream));

        const golden = await spawnProxy(['--mode', 'golden', '--store', storePath]);
        // Every round is its own take; golden serves the newest, so replay this round's requests.
        const { replayed, missed } = await assertReplay(golden, sent);
        expect(replayed).toBeGreaterThanOrEqual(fully.length);
        expect(missed).toBeGreaterThanOrEqual(4);
        await golden.stop();
      }

      if (kind === 'sqlite') {
        expect(integrityCheck(storePath)).toBe('ok');
        const rows = sqliteRows(storePath);
        // Nothing written twice, no long stream written at all, positions unique within a take.
        const prompts = rows.map((r) => r.prompt);
        expect(new Set(prompts).size).toBe(prompts.length);
        expect(prompts.filter((p) => p.startsWith('long:'))).toEqual([]);
        const takes = new Set(rows.map((r) => r.take));
        expect(takes.size).toBe(rounds);
        for (const t of takes) {
          const positions = rows.filter((r) => r.take === t).map((r) => r.position);
          expect(new Set(positions).size).toBe(positions.length);
        }
        // Every answer the client received whole is in the store.
        const stored = new Set(prompts);
        for (const s of all.filter((x) => !x.long && x.result.complete && x.result.status === 200))
          expect(stored.has(s.prompt), s.prompt).toBe(true);
      }
      // What `cassette verify` checks (integrity, schema, credentials), in process.
      expect(await verifyStore(storePath)).toEqual([]);
    },
    SOAK ? 240_000 : 45_000,
  );
});

describe('kill -9 right after an answer reached the client', () => {
  it('an answer the client received completely was already recorded', async () => {
    const upstream = await startLlmUpstream();
    const storePath = join(tempDir('cassette-crash-'), 'store.db');
    const live = await spawnProxy(['--mode', 'live', '--store', storePath, '--upstream', `openai=${upstream.url}`]);
    // A large answer: redacting, encoding and storing it takes the proxy a few milliseconds after
    // the last byte went out, which is the window a crash must not be able to hit.
    const prompt = 'big:1024:kill-on-receipt';
    const r = await call(live.url, CHAT, {
      body: chatRequestBody(prompt, false),
    });
    await live.kill9();
    expect(r.complete).toBe(true);
    expect(r.body.toString('utf8')).toBe(expectedAnswer(prompt, false));
    expect(integrityCheck(storePath)).toBe('ok');
    expect(sqliteRows(storePath).map((row) => row.prompt)).toEqual([prompt]);
  }, 30_000);
});
