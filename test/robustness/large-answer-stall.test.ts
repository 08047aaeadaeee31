// Issue 13 item 14: recording one large answer must not stall the other calls. A small stream (an
// event every 5 ms) flows through the proxy while a large answer (JSON, then SSE) is recorded next
// to it; the small stream's longest silence is compared with its longest silence alone, measured
// in the same run. Before the fix (redaction, assembly and serialisation of the whole answer on
// the event loop) an 8 MiB answer silenced it for seconds. 8 MiB in the default run; the soak's
// 20 MiB with CASSETTE_STALL=1 (it also prints the figures for docs/benchmarks.md).
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { storedInteractions } from '../helpers/stored-interactions.js';

useCleanup();

const MiB = 1024 * 1024;
const BIG = (process.env.CASSETTE_STALL === '1' ? 20 : 8) * MiB;

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

describe(`recording a ${BIG / MiB} MiB answer next to a small stream`, () => {
  for (const kind of ['json', 'sse'] as const) {
    it(`${kind}: the small stream is not silenced while the large answer is recorded`, async () => {
      const big = kind === 'json' ? bigJson() : bigSse();
      // Each small stream flows until the test says stop: it must outlast the large answer's recording.
      const stops = new Map<string, boolean>();
      const upstream = await startFakeUpstream(async (req, res) => {
        if (req.json?.model === 'small') {
          const label = req.json.messages[0].content as string;
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          for (let i = 0; !stops.get(label); i++) {
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

      // The same small stream alone first: how silent this machine makes it without any large answer.
      const alone = watchSmallStream(proxy.url, 'alone');
      await new Promise((r) => setTimeout(r, 1500));
      stops.set('alone', true);
      const aloneGaps = await alone;

      const watching = watchSmallStream(proxy.url, 'beside');
      await new Promise((r) => setTimeout(r, 300));
      const started = performance.now();
      const answer = await fetch(`${proxy.url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'big', stream: kind === 'sse', messages: [{ role: 'user', content: 'big' }] }),
      });
      const bytes = (await answer.arrayBuffer()).byteLength;
      const bigMs = performance.now() - started;
      await new Promise((r) => setTimeout(r, 300));
      stops.set('beside', true);
      const gaps = await watching;

      const report = {
        kind,
        bigBytes: bytes,
        bigMs: Math.round(bigMs),
        maxGapMs: Math.round(longest(gaps)),
        p99GapMs: Math.round(p99(gaps)),
        aloneMaxGapMs: Math.round(longest(aloneGaps)),
      };
      console.log(JSON.stringify(report));
      expect(bytes).toBe(big.length);
      // The answer the client got whole was stored whole (the held end of answer).
      const stored = (await storedInteractions(store)).find(
        (i) => i.request.body.kind === 'json' && (i.request.body.json as { model: string }).model === 'big',
      );
      expect(stored?.complete).toBe(true);
      // Generous and relative: before the fix an 8 MiB answer silenced the stream for 2 s on an idle
      // machine and over 8 s on a loaded one; now it is a fraction of a second.
      expect(report.maxGapMs).toBeLessThan(Math.max(1000, 4 * report.aloneMaxGapMs));
    }, 120_000);
  }
});
