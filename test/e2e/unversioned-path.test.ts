// Issue 14 item 18: the Vercel AI SDK's Anthropic provider appends `/messages` to
// ANTHROPIC_BASE_URL as it is, so `ANTHROPIC_BASE_URL=http://proxy/anthropic` sends
// `/anthropic/messages`. The proxy routes it to the versioned path (`/v1/messages`), records it
// under that path, and golden serves it to either spelling. The same for Gemini's `/v1beta`.
import { describe, expect, it } from 'vitest';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { rawRequest } from '../helpers/record-replay.js';

useCleanup();

const MESSAGE = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] });
const HEADERS = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01', 'x-api-key': 'sk-ant-test' };

describe('unversioned provider paths', () => {
  it('/anthropic/messages goes upstream as /v1/messages and replays under both spellings', async () => {
    const upstream = await startFakeUpstream('anthropic/messages-basic.json');
    const store = tempStore();
    const live = await startProxy({ mode: 'live', store, upstream: [`anthropic=${upstream.url}`] });
    const recorded = await rawRequest(`${live.url}/anthropic/messages`, { method: 'POST', headers: HEADERS, body: MESSAGE });
    expect(recorded.status).toBe(200);
    expect(upstream.requests.map((r) => r.path)).toEqual(['/v1/messages']);
    await live.stop();

    const golden = await startProxy({ mode: 'golden', store });
    for (const path of ['/anthropic/messages', '/anthropic/v1/messages']) {
      const replayed = await rawRequest(`${golden.url}${path}`, { method: 'POST', headers: HEADERS, body: MESSAGE });
      expect(replayed.status, path).toBe(200);
      expect(replayed.body.toString()).toContain('4200 + 42 = 4242');
    }
  });

  it('/gemini/models/M:generateContent goes upstream under /v1beta', async () => {
    const upstream = await startFakeUpstream('gemini/generate-content-basic.json');
    const live = await startProxy({ mode: 'live', store: tempStore(), upstream: [`gemini=${upstream.url}`] });
    const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });
    const answer = await rawRequest(`${live.url}/gemini/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-goog-api-key': 'test-key' },
      body,
    });
    expect(answer.status).toBe(200);
    expect(upstream.requests.map((r) => r.path)).toEqual(['/v1beta/models/gemini-2.5-flash:generateContent']);
  });

  it('a versioned path and an upstream with a path prefix are left as they are', async () => {
    const upstream = await startFakeUpstream('anthropic/messages-basic.json');
    const live = await startProxy({ mode: 'live', store: tempStore(), upstream: [`anthropic=${upstream.url}/proxy`] });
    await rawRequest(`${live.url}/anthropic/messages`, { method: 'POST', headers: HEADERS, body: MESSAGE });
    await rawRequest(`${live.url}/anthropic/v1/messages`, { method: 'POST', headers: HEADERS, body: MESSAGE });
    expect(upstream.requests.map((r) => r.path)).toEqual(['/proxy/messages', '/proxy/v1/messages']);
  });
});
