// Per-episode modes through the control API (used by the pytest plugin, issue 17):
// POST /__cassette/episode {"id","mode"} gives one episode its own mode on a running proxy and
// answers how many recordings the episode has; {"freshTake":true} makes live open a new take.
import { describe, expect, it } from 'vitest';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { corpus, responseJson } from '../helpers/corpus.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import type { TestProxy } from '../helpers/proxy.js';

useCleanup();

const A = corpus('openai/chat-completions-basic.json');
const question = { model: 'gpt-4o', messages: [{ role: 'user', content: 'What is 4200 + 42?' }] };

async function control(proxy: TestProxy, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${proxy.url}/__cassette/episode`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function ask(proxy: TestProxy): Promise<{ status: number; outcome: string | null; take: string | null }> {
  const res = await fetch(`${proxy.baseUrl('openai')}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    body: JSON.stringify(question),
  });
  await res.arrayBuffer();
  return { status: res.status, outcome: res.headers.get('x-cassette-outcome'), take: res.headers.get('x-cassette-take') };
}

describe('POST /__cassette/episode with a mode', () => {
  it('a golden proxy records one episode live, then replays it, and says how many recordings it has', async () => {
    const store = tempStore();
    const upstream = await startFakeUpstream({ routes: [{ answer: A }] });
    const proxy = await startProxy({ mode: 'golden', store, upstream: [`openai=${upstream.url}`] });

    expect(await control(proxy, { id: 'ep1', mode: 'golden' })).toEqual({
      status: 200,
      json: { ok: true, id: 'ep1', mode: 'golden', recordings: 0 },
    });
    expect((await ask(proxy)).status).toBe(404);

    expect((await control(proxy, { id: 'ep1', mode: 'live' })).json).toMatchObject({ mode: 'live' });
    expect(await ask(proxy)).toMatchObject({ status: 200, outcome: 'recorded' });
    expect(upstream.requests).toHaveLength(1);

    // null: back to the server's mode; the replayer sees what the live runtime recorded.
    expect((await control(proxy, { id: 'ep1', mode: null })).json).toEqual({ ok: true, id: 'ep1', mode: 'golden', recordings: 1 });
    const hit = await ask(proxy);
    expect(hit).toMatchObject({ status: 200, outcome: 'hit' });
    expect(upstream.requests).toHaveLength(1);

    // Other episodes keep the server's mode; the plain switch answers as before.
    expect((await control(proxy, { id: 'ep2' })).json).toEqual({ ok: true, id: 'ep2' });
    expect((await ask(proxy)).status).toBe(404);
    expect(proxy.summary()).toMatchObject({ hits: 1, misses: 2, recorded: 1 });
  });

  it('freshTake starts a new take of an episode the session already records', async () => {
    const store = tempStore();
    const upstream = await startFakeUpstream({ routes: [{ answer: A }] });
    const proxy = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
    await control(proxy, { id: 'ep', mode: 'live' });
    await ask(proxy);
    await control(proxy, { id: 'ep' });
    await ask(proxy); // same session, same take: position 2
    await control(proxy, { id: 'ep', freshTake: true });
    await ask(proxy);
    await proxy.stop();

    const golden = await startProxy({ mode: 'golden', store });
    expect((await control(golden, { id: 'ep', mode: 'golden' })).json.recordings).toBe(1);
    expect(await ask(golden)).toMatchObject({ status: 200, outcome: 'hit', take: '2' });
    expect(responseJson(A).id).toBeTruthy();
  });

  it('refuses an unknown mode with bad_usage', async () => {
    const proxy = await startProxy({ mode: 'golden', store: tempStore() });
    const r = await control(proxy, { id: 'ep', mode: 'replay-ish' });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toContain('unknown mode "replay-ish"');
    expect(((await (await fetch(`${proxy.url}/__cassette/episode`)).json()) as { id: string }).id).toBe('default');
  });
});
