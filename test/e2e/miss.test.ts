// The golden miss (SPEC §3): 404, `x-cassette-miss: 1`, `x-should-retry: false`, an error body in
// the provider's own shape that the SDKs surface without retrying, naming the episode, the
// endpoint and the nearest recording with what differs.
import { describe, expect, it } from 'vitest';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import type { TestProxy } from '../helpers/proxy.js';
import { errorOf, rawRequest, settle } from '../helpers/record-replay.js';
import { anthropicClient, geminiClient, openaiClient, openrouterClient } from '../helpers/sdk.js';

useCleanup();

const EPISODE = 'checkout-flow.v2';

const chat = (model: string, temperature: number) => ({
  model,
  temperature,
  messages: [{ role: 'user' as const, content: 'What is 4200 + 42?' }],
});
const claude = (content: string) => ({ model: 'claude-sonnet-4-0', max_tokens: 64, messages: [{ role: 'user' as const, content }] });

/** Records one call per provider in EPISODE, then returns a golden proxy on that store. */
async function goldenWithRecordings(): Promise<TestProxy> {
  const store = tempStore();
  const upstream = await startFakeUpstream({
    routes: [
      { when: (r) => r.path === '/v1/messages', answer: 'anthropic/messages-basic.json' },
      { when: (r) => r.path.endsWith(':generateContent'), answer: 'gemini/generate-content-basic.json' },
      { when: (r) => r.path === '/api/v1/chat/completions', answer: 'openrouter/chat-completions-basic.json' },
      { answer: 'openai/chat-completions-basic.json' },
    ],
  });
  const upstreams = ['openai', 'anthropic', 'gemini'].map((p) => `${p}=${upstream.url}`).concat(`openrouter=${upstream.url}/api`);
  const live = await startProxy({ mode: 'live', store, episode: EPISODE, upstream: upstreams });
  await openaiClient(live).chat.completions.create(chat('gpt-4o', 0.2));
  await anthropicClient(live).messages.create(claude('What is 4200 + 42?'));
  await geminiClient(live).models.generateContent({ model: 'gemini-2.5-flash', contents: 'What is 4200 + 42?' });
  await openrouterClient(live).chat.completions.create({
    model: 'openai/gpt-4o',
    messages: [{ role: 'user', content: 'Say hello in one word' }],
  });
  expect(live.summary().recorded).toBe(4);
  await live.stop();
  await upstream.stop();
  return startProxy({ mode: 'golden', store, episode: EPISODE, upstream: upstreams });
}

describe('a golden miss', () => {
  it('is a 404 with x-cassette-miss and x-should-retry: false in every family shape', async () => {
    const golden = await goldenWithRecordings();
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      rawRequest(`${golden.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });

    const answers = {
      openai: await post('/openai/v1/chat/completions', chat('gpt-4o', 0.9)),
      openrouter: await post('/openrouter/v1/chat/completions', { model: 'openai/gpt-4o', messages: [] }),
      anthropic: await post('/anthropic/v1/messages', claude('something else'), { 'anthropic-version': '2023-06-01' }),
      gemini: await post('/gemini/v1beta/models/gemini-2.5-flash:generateContent', {
        contents: [{ role: 'user', parts: [{ text: 'other' }] }],
      }),
    };
    for (const res of Object.values(answers)) {
      expect(res.status).toBe(404);
      expect(res.headers['x-cassette-miss']).toBe('1');
      expect(res.headers['x-should-retry']).toBe('false');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    }
    const body = (k: keyof typeof answers) => JSON.parse(answers[k].body.toString('utf8'));
    for (const k of ['openai', 'openrouter'] as const) {
      expect(body(k)).toEqual({
        error: { type: 'cassette_miss', code: 'cassette_miss', param: null, message: expect.stringContaining(`"${EPISODE}"`) },
      });
    }
    expect(body('anthropic')).toEqual({
      type: 'error',
      error: { type: 'cassette_miss', message: expect.stringContaining('POST /v1/messages') },
    });
    expect(body('gemini')).toMatchObject({
      error: { code: 404, status: 'NOT_FOUND', message: expect.stringContaining(':generateContent') },
    });
    expect(golden.summary()).toMatchObject({ misses: 4, hits: 0 });
  });

  it('names the episode, the endpoint and what differs from the nearest recording (model and temperature)', async () => {
    const golden = await goldenWithRecordings();
    const err = errorOf(
      await settle(() => openaiClient(golden, { maxRetries: 3 }).chat.completions.create(chat('gpt-4o-mini', 0.7))),
      'changed request',
    ) as any;
    expect(err.constructor.name).toBe('NotFoundError');
    expect(err.status).toBe(404);
    expect(err.error).toMatchObject({ type: 'cassette_miss', code: 'cassette_miss' });
    const message: string = err.error.message;
    expect(err.message).toContain(message);
    expect(message).toContain(`episode "${EPISODE}"`);
    expect(message).toContain('POST /v1/chat/completions');
    expect(message).toMatch(/nearest recording: step 1/i);
    expect(message).toContain('model changed: "gpt-4o" → "gpt-4o-mini"');
    expect(message).toMatch(/temperature 0\.2 → 0\.7/);
    // Not retried despite maxRetries: 3.
    expect(golden.summary()).toMatchObject({ requests: 1, misses: 1 });
    expect(golden.summary().missList[0]?.message).toBe(message);
    expect(golden.logs()).toContain('model changed');
  });

  it('reaches the anthropic SDK as a NotFoundError carrying the miss, not retried', async () => {
    const golden = await goldenWithRecordings();
    const err = errorOf(
      await settle(() => anthropicClient(golden, { maxRetries: 3 }).messages.create(claude('What is 4200 + 43?'))),
      'anthropic',
    ) as any;
    expect(err.constructor.name).toBe('NotFoundError');
    expect(err.error).toMatchObject({ type: 'error', error: { type: 'cassette_miss' } });
    const message: string = err.error.error.message;
    expect(err.message).toContain(JSON.stringify(message));
    expect(message).toContain(`episode "${EPISODE}"`);
    expect(message).toContain('POST /v1/messages');
    expect(message).toContain('message 1 (user) differs: "… is 4200 + 42?" → "… is 4200 + 43?"');
    expect(golden.summary()).toMatchObject({ requests: 1, misses: 1 });
  });

  it('reaches the gemini SDK as ApiError 404 carrying the miss, not retried', async () => {
    const golden = await goldenWithRecordings();
    const err = errorOf(
      await settle(() =>
        geminiClient(golden, { maxRetries: 3 }).models.generateContent({ model: 'gemini-2.5-pro', contents: 'What is 4200 + 42?' }),
      ),
      'gemini',
    ) as any;
    expect(err.constructor.name).toBe('ApiError');
    expect(err.status).toBe(404);
    expect(err.message).toContain('cassette miss');
    expect(err.message).toContain('gemini-2.5-pro:generateContent');
    expect(err.message).toContain('path /v1beta/models/gemini-2.5-flash:generateContent → /v1beta/models/gemini-2.5-pro:generateContent');
    expect(golden.summary()).toMatchObject({ requests: 1, misses: 1 });
  });

  it('in an episode with no recordings says so', async () => {
    const golden = await goldenWithRecordings();
    const err = errorOf(
      await settle(() => openaiClient(golden, { episode: 'never-recorded' }).chat.completions.create(chat('gpt-4o', 0.2))),
      'other episode',
    ) as any;
    expect(err.status).toBe(404);
    expect(err.error.message).toMatch(/episode "never-recorded" has no recordings/);
  });
});
