// A forwarded stream's status line reaches the client as soon as the upstream sends it, even when
// the first event comes much later (a reasoning model thinks before it streams): the client sees
// the answer begin. When the first event comes in the same read as the head (the usual case) both
// leave in one write, which is what the bench's forwarding CPU per request measures (issue 20).
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';

useCleanup();

const THINK_MS = 1500;
const EVENT = 'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hi"}}]}\n\n';

describe('the head of a forwarded stream', () => {
  for (const mode of ['live', 'passthrough'] as const) {
    it(`${mode}: reaches the client before a late first event`, async () => {
      const upstream = await startFakeUpstream((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.flushHeaders();
        setTimeout(() => {
          res.write(EVENT);
          res.end('data: [DONE]\n\n');
        }, THINK_MS);
      });
      const proxy = await startProxy({ mode, store: tempStore(), upstream: [`openai=${upstream.url}`] });
      const t0 = performance.now();
      const answer = await request(`${proxy.url}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'think first' }] }),
      });
      const headAfter = performance.now() - t0;
      const text = await answer.body.text();
      const bodyAfter = performance.now() - t0;
      expect(answer.statusCode).toBe(200);
      expect(text).toContain('"content":"hi"');
      // Measured against the same request's own end, not a wall-clock budget: the head must come
      // well before the event the upstream held back.
      expect(bodyAfter).toBeGreaterThanOrEqual(THINK_MS);
      expect(headAfter).toBeLessThan(bodyAfter - THINK_MS / 2);
    });
  }
});
