// Episode selection (SPEC §2): header x-cassette-episode, then the /episodes/<id>/ path prefix,
// then the server's current episode (POST /__cassette/episode), then "default". Bad ids are a 400;
// paths of unknown providers a 404 naming the known ones — the proxy is never an open proxy.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, tempStore, useCleanup } from '../helpers/cleanup.js';
import { corpus, responseJson } from '../helpers/corpus.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import type { TestProxy } from '../helpers/proxy.js';
import { errorOf, rawRequest, settle } from '../helpers/record-replay.js';
import { openaiClient } from '../helpers/sdk.js';

useCleanup();

const A = corpus('openai/chat-completions-basic.json');
const B = corpus('together/chat-completions-basic.json');
const C = corpus('openrouter/chat-completions-basic.json');
const idOf = (i: typeof A): string => responseJson(i).id;
const question = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'What is 4200 + 42?' }] };

/** One question recorded in three episodes, each chosen a different way; returns the store. */
async function recordThreeEpisodes(): Promise<string> {
  const store = tempStore();
  const upstream = await startFakeUpstream({ queue: [A, B, C] });
  const live = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
  // ep-a by header, ep-b by path prefix, ep-c as the current episode.
  await openaiClient(live, { episode: 'ep-a' }).chat.completions.create(question);
  await openaiClient(live, { baseURL: `${live.url}/episodes/ep-b/openai/v1` }).chat.completions.create(question);
  expect(
    (
      await fetch(`${live.url}/__cassette/episode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"id":"ep-c"}',
      })
    ).status,
  ).toBe(200);
  await openaiClient(live).chat.completions.create(question);
  // x-cassette-* headers never go upstream.
  expect(upstream.requests.map((r) => Object.keys(r.headers).filter((h) => h.startsWith('x-cassette')))).toEqual([[], [], []]);
  expect(upstream.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions', '/v1/chat/completions']);
  await live.stop();
  await upstream.stop();
  return store;
}

async function ask(proxy: TestProxy, opts: Parameters<typeof openaiClient>[1] = {}): Promise<string> {
  return (await openaiClient(proxy, opts).chat.completions.create(question)).id;
}

describe('episode selection', () => {
  it('each way of naming an episode records into it and replays from it', async () => {
    const store = await recordThreeEpisodes();
    const golden = await startProxy({ mode: 'golden', store });
    expect(await ask(golden, { episode: 'ep-a' })).toBe(idOf(A));
    expect(await ask(golden, { baseURL: `${golden.url}/episodes/ep-b/openai/v1` })).toBe(idOf(B));
    expect(await ask(golden, { episode: 'ep-c' })).toBe(idOf(C));
    // The same episode, whichever way it is named.
    expect(await ask(golden, { baseURL: `${golden.url}/episodes/ep-a/openai/v1` })).toBe(idOf(A));
    expect(await ask(golden, { episode: 'ep-b' })).toBe(idOf(B));
  });

  it('POST /__cassette/episode switches the current episode; without any, it is "default"', async () => {
    const store = await recordThreeEpisodes();
    const golden = await startProxy({ mode: 'golden', store });
    expect(await (await fetch(`${golden.url}/__cassette/episode`)).json()).toEqual({ ok: true, id: 'default' });
    const miss = errorOf(await settle(() => ask(golden)), 'default episode') as any;
    expect(miss.error.message).toContain('episode "default"');

    for (const [id, expected] of [
      ['ep-b', B],
      ['ep-a', A],
      ['ep-c', C],
    ] as const) {
      const res = await fetch(`${golden.url}/__cassette/episode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id }),
      });
      expect(await res.json()).toEqual({ ok: true, id });
      expect(await ask(golden)).toBe(idOf(expected));
    }
    expect(await (await fetch(`${golden.url}/__cassette/episode`)).json()).toEqual({ ok: true, id: 'ep-c' });
  });

  it('the header beats the path prefix, which beats the current episode', async () => {
    const store = await recordThreeEpisodes();
    const golden = await startProxy({ mode: 'golden', store, episode: 'ep-c' });
    expect(await ask(golden)).toBe(idOf(C));
    expect(await ask(golden, { baseURL: `${golden.url}/episodes/ep-b/openai/v1` })).toBe(idOf(B));
    expect(await ask(golden, { baseURL: `${golden.url}/episodes/ep-b/openai/v1`, episode: 'ep-a' })).toBe(idOf(A));
    expect(await ask(golden, { episode: 'ep-a' })).toBe(idOf(A));
  });
});

describe('invalid episode ids', () => {
  const longest = `a${'b'.repeat(127)}`;

  it('are a 400 that says so, from a header, a path prefix or the control endpoint', async () => {
    const proxy = await startProxy({ mode: 'golden', store: tempStore() });
    const header = errorOf(await settle(() => ask(proxy, { episode: 'has space' })), 'header id') as any;
    expect(header.status).toBe(400);
    expect(header.constructor.name).toBe('BadRequestError');
    expect(header.error.message).toMatch(/invalid episode id "has space" \(from header x-cassette-episode\)/);

    for (const bad of ['-starts-with-dash', '..', `${longest}c`, 'semi;colon']) {
      const path = await rawRequest(`${proxy.url}/episodes/${encodeURIComponent(bad)}/openai/v1/chat/completions`, {
        method: 'POST',
        body: '{}',
      });
      expect(path.status).toBe(400);
      expect(path.body.toString()).toContain('invalid episode id');
      const post = await rawRequest(`${proxy.url}/__cassette/episode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: bad }),
      });
      expect(post.status).toBe(400);
      expect(post.body.toString()).toContain('invalid episode id');
    }
    const missingId = await rawRequest(`${proxy.url}/__cassette/episode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"x"}',
    });
    expect(missingId.status).toBe(400);
    // The current episode did not change.
    expect(await (await fetch(`${proxy.url}/__cassette/episode`)).json()).toEqual({ ok: true, id: 'default' });
  });

  it('accept the longest valid id (128 characters)', async () => {
    const proxy = await startProxy({ mode: 'golden', store: tempStore() });
    const post = await rawRequest(`${proxy.url}/__cassette/episode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: longest }),
    });
    expect(post.status).toBe(200);
    const miss = errorOf(await settle(() => ask(proxy, { episode: longest })), 'longest id') as any;
    expect(miss.status).toBe(404);
    expect(miss.error.type).toBe('cassette_miss');
  });
});

describe('unknown providers', () => {
  it('get a 404 naming the known providers, and nothing is fetched', async () => {
    const upstream = await startFakeUpstream(A);
    const dir = tempDir();
    const config = join(dir, 'cassette.config.json');
    writeFileSync(config, JSON.stringify({ providers: [{ name: 'groq', upstream: upstream.url, family: 'openai' }] }));
    const proxy = await startProxy({ mode: 'live', store: tempStore(), config, upstream: [`openai=${upstream.url}`] });
    for (const path of [
      '/nope/v1/chat/completions',
      `/http://127.0.0.1:${upstream.port}/v1/chat/completions`,
      '/v1/chat/completions',
      '/',
    ]) {
      const res = await rawRequest(`${proxy.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(404);
      const text = res.body.toString();
      expect(JSON.parse(text).error.type).toBe('unknown_provider');
      for (const name of ['openai', 'anthropic', 'gemini', 'openrouter', 'groq']) expect(text).toContain(`/${name}/`);
    }
    expect(upstream.connections).toBe(0);
  });
});
