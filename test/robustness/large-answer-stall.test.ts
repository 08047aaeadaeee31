// Issue 13 item 14: recording one large answer must not stall the other calls. A small stream (an
// event every 5 ms) flows through the proxy while a large answer is recorded next to it, twice in
// the same run: with everything on the event loop (CASSETTE_LARGE_ANSWER_BYTES=Infinity, what the
// proxy did before) and as shipped; the small stream's longest silence must be under 0.8 of what
// the event loop alone gives it (a same-run comparison holds on a loaded machine).
// Opt-in (CASSETTE_STALL=1, the soak): 20 MiB, JSON and SSE, printing the figures. Not in the
// default run: at 8 MiB on a loaded 2-core machine the two paths differed only about 2x (what is
// left on the event loop is copying the answer between threads), too close for a stable assertion.
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { storedInteractions } from '../helpers/stored-interactions.js';

useCleanup();

const MiB = 1024 * 1024;
const BIG = 20 * MiB;

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

describe.skipIf(process.env.CASSETTE_STALL !== '1')(`recording a ${BIG / MiB} MiB answer next to a small stream`, () => {
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

      const measure = async (label: string): Promise<Stall> => {
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
      };

      process.env.CASSETTE_LARGE_ANSWER_BYTES = 'Infinity';
      let onLoop: Stall;
      try {
        onLoop = await measure('on the event loop');
      } finally {
        delete process.env.CASSETTE_LARGE_ANSWER_BYTES;
      }
      const shipped = await measure('as shipped');
      console.log(JSON.stringify({ kind, bytes: big.length, onLoop, shipped }));

      // Both answers the clients got whole were stored whole (the held end of answer).
      const stored = (await storedInteractions(store)).filter(
        (i) => i.request.body.kind === 'json' && (i.request.body.json as { model: string }).model === 'big',
      );
      expect(stored.map((i) => i.complete)).toEqual([true, true]);
      // Relative, same run: under 0.8 of the event loop's silence, never under 250 ms. Measured 0.3-0.65
      // (20 MiB: 985 vs 1,521 ms JSON, 888 vs 1,941 ms SSE): what is left on the event loop is copying
      // the answer between threads (docs/architecture.md), so the margin is modest.
      expect(shipped.maxGapMs).toBeLessThan(Math.max(250, onLoop.maxGapMs * 0.8));
    }, 300_000);
  }
});
