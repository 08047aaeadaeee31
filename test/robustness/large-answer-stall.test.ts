// Issue 13 item 14: recording one large answer must not stall the other calls. A small stream (an
// event every 5 ms) flows through the proxy while a large answer is recorded next to it, in the
// same run both ways: with everything on the event loop (CASSETTE_LARGE_ANSWER_BYTES=Infinity,
// what the proxy did before the worker threads) and as shipped. The small stream's longest silence
// as shipped must be a small share of what the event loop alone gives it: a ratio of two
// measurements taken seconds apart holds on a loaded machine, where absolute times do not.
// In the default run at 8 MiB, JSON and SSE. JSON is the sharp case: before the answer's parts
// crossed threads as moved buffers (the finish worker returned them as strings and the event loop
// copied the row to the row thread), the shipped path kept 0.28-1.35 of the event loop's silence,
// now 0.07-0.16. An SSE answer's events are framed and redacted on the event loop as they arrive,
// in both paths, and that per-chunk work is most of what is left: 0.08-0.39 measured at load
// 8-14 (0.36-1.4 before), so its bound is looser.
// CASSETTE_STALL_MIB=20 runs it at 20 MiB (docs/operations.md); the figures are printed.
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answersFinishedOffThread } from '../../src/modes/large-answer.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { storedInteractions } from '../helpers/stored-interactions.js';

useCleanup();

const MiB = 1024 * 1024;
const BIG = Number(process.env.CASSETTE_STALL_MIB ?? 8) * MiB;

function bigJson(): Buffer {
  const piece = 'lorem ipsum dolor sit amet '.repeat(40);
  const parts: string[] = [];
  let size = 0;
  while (size < BIG) {
    parts.push(piece);
    size += piece.length + 3;
  }
  return Buffer.from(
    JSON.stringify({
      id: 'big',
      object: 'chat.completion',
      choices: [{ index: 0, message: { role: 'assistant', content: parts.join('') } }],
    }),
  );
}

function bigSse(): Buffer {
  const events: string[] = [];
  let size = 0;
  while (size < BIG) {
    const e = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: 'word '.repeat(200) } }] })}\n\n`;
    events.push(e);
    size += e.length;
  }
  events.push('data: [DONE]\n\n');
  return Buffer.from(events.join(''));
}

/** Gaps between the chunks of one small stream through the proxy, in ms, once it ends. */
function watchSmallStream(url: string, label: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ model: 'small', stream: true, messages: [{ role: 'user', content: label }] });
    const req = request(`${url}/openai/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const at: number[] = [];
      res.on('data', () => at.push(performance.now()));
      res.on('end', () => resolve(at.slice(1).map((t, i) => t - (at[i] as number))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const longest = (gaps: number[]): number => Math.max(0, ...gaps);
const p99 = (gaps: number[]): number => [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length * 0.99)] ?? 0;

const KINDS = ['json', 'sse'] as const;

interface Stall {
  bigMs: number;
  maxGapMs: number;
  p99GapMs: number;
}

/** The shipped path's longest silence must be under this share of the event loop's. */
const RATIO = { json: 0.25, sse: 0.5 } as const;

describe(`recording a ${BIG / MiB} MiB answer next to a small stream`, () => {
  for (const kind of KINDS) {
    it(`${kind}: the small stream is not silenced while the large answer is recorded`, async () => {
      const big = kind === 'json' ? bigJson() : bigSse();
      // Each small stream flows until the test says stop: it must outlast the large answer's recording.
      const stops = new Set<string>();
      const upstream = await startFakeUpstream(async (req, res) => {
        if (req.json?.model === 'small') {
          const label = req.json.messages[0].content as string;
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          for (let i = 0; !stops.has(label); i++) {
            res.write(`data: {"choices":[{"index":0,"delta":{"content":"${i}"}}]}\n\n`);
            await new Promise((r) => setTimeout(r, 5));
          }
          res.end('data: [DONE]\n\n');
          return;
        }
        res.writeHead(200, { 'content-type': kind === 'json' ? 'application/json' : 'text/event-stream' });
        res.end(big);
      });
      const store = join(tempDir(), 'cassettes.db');
      const proxy = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });

      let calls = 0;
      const measure = async (threshold: string | undefined): Promise<Stall> => {
        const label = `call ${++calls}`;
        if (threshold === undefined) delete process.env.CASSETTE_LARGE_ANSWER_BYTES;
        else process.env.CASSETTE_LARGE_ANSWER_BYTES = threshold;
        try {
          const watching = watchSmallStream(proxy.url, label);
          await new Promise((r) => setTimeout(r, 300));
          const started = performance.now();
          const answer = await fetch(`${proxy.url}/openai/v1/chat/completions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'big', stream: kind === 'sse', messages: [{ role: 'user', content: label }] }),
          });
          const bytes = (await answer.arrayBuffer()).byteLength;
          const bigMs = performance.now() - started;
          expect(bytes).toBe(big.length);
          await new Promise((r) => setTimeout(r, 300));
          stops.add(label);
          const gaps = await watching;
          return { bigMs: Math.round(bigMs), maxGapMs: Math.round(longest(gaps)), p99GapMs: Math.round(p99(gaps)) };
        } finally {
          delete process.env.CASSETTE_LARGE_ANSWER_BYTES;
        }
      };

      // Pairs measured back to back; a second pair only when the first misses the bound, and then
      // each path's quietest run counts (a pause of the machine lengthens one run, not both).
      const offThreadBefore = answersFinishedOffThread();
      const runs: { onLoop: Stall; shipped: Stall }[] = [];
      const best = (path: 'onLoop' | 'shipped'): number => Math.min(...runs.map((r) => r[path].maxGapMs));
      for (let pair = 0; pair < 2 && (pair === 0 || best('shipped') >= RATIO[kind] * best('onLoop')); pair++) {
        runs.push({ onLoop: await measure('Infinity'), shipped: await measure(undefined) });
      }
      console.log(JSON.stringify({ kind, bytes: big.length, runs }));

      // The shipped path did finish its answers off the event loop, and every answer the client got
      // whole was stored whole (the held end of answer).
      expect(answersFinishedOffThread() - offThreadBefore).toBe(runs.length);
      const stored = (await storedInteractions(store)).filter(
        (i) => i.request.body.kind === 'json' && (i.request.body.json as { model: string }).model === 'big',
      );
      expect(stored.map((i) => i.complete)).toEqual(runs.flatMap(() => [true, true]));
      expect(best('shipped')).toBeLessThan(RATIO[kind] * best('onLoop'));
    }, 120_000);
  }
});
