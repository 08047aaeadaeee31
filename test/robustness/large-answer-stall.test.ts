// Issue 13 item 14, measured: the longest silence a small concurrent stream sees while the proxy
// records one 20 MiB answer (JSON and SSE). Opt-in (timing on a shared machine is no assertion):
// CASSETTE_STALL=1 npx vitest run test/robustness/large-answer-stall.test.ts
import { describe, expect, it } from 'vitest';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { request } from 'node:http';

useCleanup();

const BIG = 20 * 1024 * 1024;

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

/** Gaps between chunks of a small stream (an event every 5 ms for `ms`), in ms. */
function watchSmallStream(url: string, ms: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/openai/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const at: number[] = [];
      res.on('data', () => at.push(performance.now()));
      res.on('end', () => resolve(at.slice(1).map((t, i) => t - (at[i] as number))));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ model: 'small', stream: true, messages: [{ role: 'user', content: `small ${ms}` }] }));
  });
}

describe.skipIf(process.env.CASSETTE_STALL !== '1')('recording a 20 MiB answer next to a small stream', () => {
  for (const kind of ['json', 'sse'] as const) {
    it(`${kind}: the small stream's longest silence`, async () => {
      const big = kind === 'json' ? bigJson() : bigSse();
      const upstream = await startFakeUpstream(async (req, res) => {
        if (req.json?.model === 'small') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          for (let i = 0; i < 600; i++) {
            res.write(`data: {"choices":[{"index":0,"delta":{"content":"${i}"}}]}\n\n`);
            await new Promise((r) => setTimeout(r, 5));
          }
          res.end('data: [DONE]\n\n');
          return;
        }
        res.writeHead(200, { 'content-type': kind === 'json' ? 'application/json' : 'text/event-stream' });
        res.end(big);
      });
      const proxy = await startProxy({ mode: 'live', store: tempStore(), upstream: [`openai=${upstream.url}`] });
      const watching = watchSmallStream(proxy.url, 3000);
      await new Promise((r) => setTimeout(r, 500));
      const started = performance.now();
      const answer = await fetch(`${proxy.url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'big', stream: kind === 'sse', messages: [{ role: 'user', content: 'big' }] }),
      });
      const bytes = (await answer.arrayBuffer()).byteLength;
      const bigMs = performance.now() - started;
      const gaps = await watching;
      const sorted = [...gaps].sort((a, b) => a - b);
      const report = {
        kind,
        bigBytes: bytes,
        bigMs: Math.round(bigMs),
        maxGapMs: Math.round(sorted.at(-1) ?? 0),
        p99GapMs: Math.round(sorted[Math.floor(sorted.length * 0.99)] ?? 0),
      };
      console.log(JSON.stringify(report));
      expect(bytes).toBe(big.length);
    }, 120_000);
  }
});
