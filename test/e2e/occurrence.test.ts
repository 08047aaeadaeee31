// Identical requests are told apart by occurrence (SPEC §4): the n-th identical request gets the
// n-th recording; past the last, the last repeats — or, with --strict, it is a miss.
import { describe, expect, it } from 'vitest';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { corpus, responseJson } from '../helpers/corpus.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { errorOf, settle } from '../helpers/record-replay.js';
import { openaiClient } from '../helpers/sdk.js';

useCleanup();

const FIRST = corpus('openai/chat-completions-basic.json');
const SECOND = corpus('together/chat-completions-basic.json');
const OTHER = corpus('openrouter/chat-completions-basic.json');
const question = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'What is 4200 + 42?' }] };
const other = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'Say hello in one word' }] };
const idOf = (i: typeof FIRST): string => responseJson(i).id;

/** Records `calls` in live against an upstream answering `answers` in order. */
async function record(calls: (typeof question)[], answers: (typeof FIRST)[]): Promise<{ store: string; ids: string[] }> {
  const store = tempStore();
  const upstream = await startFakeUpstream({ queue: answers });
  const live = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
  const ids: string[] = [];
  for (const c of calls) ids.push((await openaiClient(live).chat.completions.create(c)).id);
  await live.stop();
  await upstream.stop();
  return { store, ids };
}

describe('occurrence', () => {
  it('replays two identical requests recorded with different answers in order, then repeats the last', async () => {
    const { store, ids } = await record([question, question], [FIRST, SECOND]);
    expect(ids).toEqual([idOf(FIRST), idOf(SECOND)]);
    expect(idOf(FIRST)).not.toBe(idOf(SECOND));

    const golden = await startProxy({ mode: 'golden', store });
    const client = openaiClient(golden);
    const replayed: string[] = [];
    for (let n = 0; n < 3; n++) replayed.push((await client.chat.completions.create(question)).id);
    expect(replayed).toEqual([idOf(FIRST), idOf(SECOND), idOf(SECOND)]);
    expect(golden.summary()).toMatchObject({ hits: 3, misses: 0, ok: true });
  });

  it('with --strict, a third identical request is a miss that says the recordings were used up', async () => {
    const { store } = await record([question, question], [FIRST, SECOND]);
    const golden = await startProxy({ mode: 'golden', store, strict: true });
    const client = openaiClient(golden, { maxRetries: 2 });
    expect((await client.chat.completions.create(question)).id).toBe(idOf(FIRST));
    expect((await client.chat.completions.create(question)).id).toBe(idOf(SECOND));
    const err = errorOf(await settle(() => client.chat.completions.create(question)), 'third call') as any;
    expect(err.status).toBe(404);
    expect(err.error.type).toBe('cassette_miss');
    expect(err.error.message).toMatch(/all 2 recording\(s\) of openai POST \/v1\/chat\/completions were already used/);
    expect(golden.summary()).toMatchObject({ requests: 3, hits: 2, misses: 1, ok: false });
  });

  it('counts occurrences per request, not per position', async () => {
    const { store } = await record([question, other, question], [FIRST, OTHER, SECOND]);
    const golden = await startProxy({ mode: 'golden', store });
    const client = openaiClient(golden);
    const order = [question, question, other];
    const replayed: string[] = [];
    for (const c of order) replayed.push((await client.chat.completions.create(c)).id);
    expect(replayed).toEqual([idOf(FIRST), idOf(SECOND), idOf(OTHER)]);
    // Served, but out of recorded order: reported as a divergence, not a miss.
    const summary = golden.summary();
    expect(summary.misses).toBe(0);
    expect(summary.divergences[0]?.message).toMatch(/^step 2: expected a call to openai POST \/v1\/chat\/completions/);
  });

  it('starts over when the episode is selected again', async () => {
    const { store } = await record([question, question], [FIRST, SECOND]);
    const golden = await startProxy({ mode: 'golden', store, strict: true });
    const client = openaiClient(golden);
    await client.chat.completions.create(question);
    await client.chat.completions.create(question);
    const res = await fetch(`${golden.url}/__cassette/episode`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'default' }),
    });
    expect(res.status).toBe(200);
    expect((await client.chat.completions.create(question)).id).toBe(idOf(FIRST));
  });
});
