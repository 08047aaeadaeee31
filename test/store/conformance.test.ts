// The store conformance suite: the same tests against every backend (SQLite, the directory store
// and PostgreSQL on a real server, test/helpers/postgres.ts). A backend's own behaviour (the
// directory store's journal recovery, SQLite's group-commit rollback, PostgreSQL's URLs, cache and
// dedup) is tested in its own file; what every Store must do is tested here.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { GroupAppend, Store, TakeWriter } from '../../src/store/store.js';
import { collect } from '../../src/store/store.js';
import { freshDatabase } from '../helpers/postgres.js';
import { assertFreshBuild, finished, printed, startChild, writeScript } from './child-process.js';
import type { Interaction } from '../../src/types.js';
import { tempDir, tinyInteraction } from './fixtures.js';

let tmp: ReturnType<typeof tempDir>;
let writer: string;
let continuer: string;
let crasher: string;
const databases: { drop: () => Promise<void> }[] = [];
beforeAll(() => {
  assertFreshBuild();
  tmp = tempDir('cassette-conformance-');
  writer = writeScript(
    tmp.path,
    'writer.mjs',
    `const [storePath, episode, tag, count, goFile] = process.argv.slice(2);
const store = await openStore(storePath);
const w = await store.beginTake(episode, 'live');
process.stdout.write('ready\\n');
while (!existsSync(goFile)) sleep(1);
for (let k = 1; k <= Number(count); k++) {
  await w.append(interaction(episode, tag, k, w.nextPosition()));
  sleep(1 + Math.floor(Math.random() * 3)); // ≥ 50 ms in all, so the two runs overlap
}
await w.finish();
await store.close();
process.stdout.write(JSON.stringify({ take: await w.take() }) + '\\n');
`,
  );
  continuer = writeScript(
    tmp.path,
    'continuer.mjs',
    `const [storePath, episode, tag, count, goFile] = process.argv.slice(2);
const store = await openStore(storePath);
const w = await store.continueTake(episode, 'record-missing');
process.stdout.write('ready\\n');
while (!existsSync(goFile)) sleep(1);
for (let k = 1; k <= Number(count); k++) {
  await w.append(interaction(episode, tag, k, w.nextPosition()));
  process.stdout.write('ack ' + k + '\\n');
  sleep(1 + Math.floor(Math.random() * 3));
}
await w.finish();
await store.close();
process.stdout.write(JSON.stringify({ take: await w.take() }) + '\\n');
`,
  );
  crasher = writeScript(
    tmp.path,
    'crasher.mjs',
    `const [storePath, episode, count] = process.argv.slice(2);
const store = await openStore(storePath);
const w = await store.beginTake(episode, 'live');
for (let k = 1; k <= Number(count); k++) await w.append(interaction(episode, 'crash', k, w.nextPosition()));
process.stdout.write('appended\\n');
setInterval(() => {}, 1000);
`,
  );
});
afterAll(async () => {
  tmp?.remove();
  await Promise.all(databases.map((d) => d.drop()));
});

interface Backend {
  name: 'sqlite' | 'directory' | 'postgres';
  /** The location of a new, empty store of this kind. */
  fresh(label: string): Promise<string>;
}

let serial = 0;
const BACKENDS: Backend[] = [
  { name: 'sqlite', fresh: async (label) => join(tmp.path, `${label}-${++serial}`, 'store.db') },
  { name: 'directory', fresh: async (label) => join(tmp.path, `${label}-${++serial}`, 'cassettes') },
  {
    name: 'postgres',
    fresh: async () => {
      const db = await freshDatabase();
      databases.push(db);
      return db.url;
    },
  },
];

describe.each(BACKENDS)('$name store semantics', (backend) => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore(await backend.fresh('semantics'));
  });
  afterEach(async () => {
    await store.close();
  });

  const record = async (episode: string, positions: number[], complete = true): Promise<number> => {
    const w = await store.beginTake(episode, 'live');
    for (const p of positions) await w.append({ ...tinyInteraction(episode, p), complete });
    await w.finish();
    return await w.take();
  };

  it('creates a take only when something is recorded', async () => {
    await (await store.beginTake('e1', 'live')).finish();
    expect(await store.listTakes()).toEqual([]);
    expect(await store.listEpisodes()).toEqual([]);
  });

  it('serves the newest take that has complete interactions, in position order', async () => {
    const w = await store.beginTake('e1', 'live');
    const [p1, p2, p3] = [w.nextPosition(), w.nextPosition(), w.nextPosition()];
    await w.append(tinyInteraction('e1', p3));
    await w.append(tinyInteraction('e1', p1));
    await w.append({ ...tinyInteraction('e1', p2), complete: false });
    await w.finish();
    expect(await record('e1', [1], false)).toBe(2);
    const loaded = await store.loadEpisode('e1');
    expect(loaded?.take).toBe(1);
    expect(loaded?.interactions.map((i) => i.position)).toEqual([1, 3]);
    expect(loaded?.interactions.every((i) => i.episode === 'e1' && i.take === 1)).toBe(true);
    expect(await store.loadEpisode('nope')).toBeUndefined();
  });

  it('indexes an episode with the key about to be read: that read answers at once, the others as before', async () => {
    await record('e1', [1, 2, 3]);
    const plain = await store.indexEpisode('e1');
    const keyed = await store.indexEpisode('e1', 't-2');
    expect(keyed?.take).toBe(1);
    expect(keyed?.interactions).toEqual(plain?.interactions);
    const entry = keyed?.interactions.find((x) => x.key === 't-2');
    // Read with the index (one round trip on PostgreSQL): no promise, no second query.
    const hit = keyed?.read(entry?.id as number);
    expect(hit).not.toBeInstanceOf(Promise);
    expect(hit).toEqual(await plain?.read(entry?.id as number));
    expect((hit as { position: number }).position).toBe(2);
    const other = keyed?.interactions.find((x) => x.key === 't-3');
    expect((await keyed?.read(other?.id as number))?.position).toBe(3);
    // A key the episode does not hold: the index alone.
    expect((await store.indexEpisode('e1', 'no-such-key'))?.interactions).toEqual(plain?.interactions);
    expect(await store.indexEpisode('nope', 't-1')).toBeUndefined();
  });

  it('lists takes with counts and close times', async () => {
    await record('b', [1, 2]);
    const w = await store.beginTake('a', 'record-missing');
    await w.append({ ...tinyInteraction('a', 1), complete: false });
    expect(await w.take()).toBe(1);
    const takes = await store.listTakes();
    expect(takes.map(({ episode, take, mode, interactions, incomplete }) => ({ episode, take, mode, interactions, incomplete }))).toEqual([
      { episode: 'a', take: 1, mode: 'record-missing', interactions: 1, incomplete: 1 },
      { episode: 'b', take: 1, mode: 'live', interactions: 2, incomplete: 0 },
    ]);
    expect(takes[0]?.closedAt).toBeUndefined();
    expect(takes[1]?.closedAt).toMatch(/^\d{4}-/);
    expect(await store.listTakes('b')).toHaveLength(1);
    expect(await store.listEpisodes()).toEqual(['a', 'b']);
    await w.finish();
  });

  it('continues the newest take after its last position', async () => {
    await record('e1', [1, 2]);
    const w = await store.continueTake('e1', 'record-missing');
    expect(await w.take()).toBe(1);
    expect(w.nextPosition()).toBe(3);
    await w.append(tinyInteraction('e1', 3));
    await w.finish();
    expect((await store.loadEpisode('e1'))?.interactions.map((i) => i.position)).toEqual([1, 2, 3]);
    const fresh = await store.continueTake('e2', 'record-missing');
    await fresh.append(tinyInteraction('e2', fresh.nextPosition()));
    await fresh.finish();
    expect((await store.listTakes('e2')).map((t) => t.take)).toEqual([1]);
  });

  it('iterates interactions by filter', async () => {
    await record('a', [1, 2]);
    await record('a', [1], false);
    await record('b', [1]);
    const all = await collect(store.interactions({ newestTakeOnly: false, includeIncomplete: true }));
    expect(all.map((i) => `${i.episode}/${i.take}/${i.position}`)).toEqual(['a/1/1', 'a/1/2', 'a/2/1', 'b/1/1']);
    expect((await collect(store.interactions())).map((i) => `${i.episode}/${i.take}/${i.position}`)).toEqual(['a/1/1', 'a/1/2', 'b/1/1']);
    expect(await collect(store.interactions({ episodes: ['b'] }))).toHaveLength(1);
  });

  it('removes takes and episodes, counting interactions', async () => {
    await record('a', [1, 2]);
    await record('a', [1]);
    await record('b', [1, 2, 3]);
    expect(await store.removeTakes([{ episode: 'a', take: 2 }])).toBe(1);
    expect((await store.loadEpisode('a'))?.take).toBe(1);
    expect(await store.removeEpisodes(['b', 'missing'])).toBe(3);
    expect(await store.listEpisodes()).toEqual(['a']);
  });

  it('imports a take with its number, times and positions, and refuses to overwrite it', async () => {
    const summary = {
      episode: 'imp',
      take: 7,
      mode: 'live' as const,
      createdAt: '2024-01-01T00:00:00.000Z',
      closedAt: '2024-01-01T00:01:00.000Z',
      interactions: 0,
      incomplete: 0,
    };
    await store.importTake(summary, [tinyInteraction('imp', 4), tinyInteraction('imp', 2)]);
    expect(await store.listTakes('imp')).toEqual([{ ...summary, interactions: 2 }]);
    expect((await store.loadEpisode('imp'))?.interactions.map((i) => [i.take, i.position])).toEqual([
      [7, 2],
      [7, 4],
    ]);
    await expect(store.importTake(summary, [])).rejects.toThrow(expect.objectContaining({ code: 'bad_usage' }));
  });
});

/** An interaction with the fields an episode summary reads. */
function call(
  episode: string,
  position: number,
  o: {
    model?: string;
    provider?: string;
    prompt?: string;
    answer?: string;
    cost?: number;
    tokens?: [number, number];
    ms?: number;
    status?: number;
    complete?: boolean;
    at?: string;
  } = {},
): Interaction {
  const i = tinyInteraction(episode, position);
  return {
    ...i,
    provider: o.provider ?? 'openai',
    request: {
      ...i.request,
      body: { kind: 'json', json: { model: o.model ?? 'gpt-4o', messages: [{ role: 'user', content: o.prompt ?? 'hello' }] } },
    },
    response: { ...i.response, status: o.status ?? 200 },
    complete: o.complete ?? true,
    timings: { ttfbMs: 1, totalMs: o.ms ?? 10 },
    usage: { inputTokens: o.tokens?.[0] ?? 1, outputTokens: o.tokens?.[1] ?? 2 },
    costUsd: o.cost ?? 0.001,
    assembled: { text: o.answer ?? 'hi', toolCalls: [] },
    recordedAt: o.at ?? '2025-01-01T00:00:00.000Z',
  };
}

describe.each(BACKENDS)('$name store episode summaries', (backend) => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore(await backend.fresh('summaries'));
  });
  afterEach(async () => {
    await store.close();
  });

  const record = async (episode: string, calls: Interaction[]): Promise<void> => {
    const w = await store.beginTake(episode, 'live');
    for (const c of calls) await w.append({ ...c, position: w.nextPosition() });
    await w.finish();
  };

  it("sums up each episode: the served take's calls, cost and tokens, every take's counts, times, models and providers", async () => {
    await record('agent', [
      call('agent', 1, {
        model: 'gpt-4o',
        prompt: 'Plan the Zanzibar trip',
        cost: 0.25,
        tokens: [100, 20],
        ms: 300,
        at: '2025-03-01T10:00:00.000Z',
      }),
      call('agent', 2, {
        model: 'o3-mini',
        answer: 'Booked',
        cost: 0.5,
        tokens: [50, 10],
        ms: 200,
        status: 429,
        at: '2025-03-01T10:00:05.000Z',
      }),
    ]);
    // A second take cut short: nothing complete, so the first take is still the one served.
    await record('agent', [
      call('agent', 1, { provider: 'anthropic', model: 'claude-sonnet-4-0', complete: false, at: '2025-03-02T09:00:00.000Z' }),
    ]);
    await store.importTake(
      { episode: 'imported', take: 3, mode: 'live', createdAt: '2024-05-01T00:00:00.000Z', interactions: 0, incomplete: 0 },
      [call('imported', 1, { cost: 1, at: '2024-05-01T00:00:01.000Z' }), call('imported', 2, { cost: 2, at: '2024-05-01T00:00:02.000Z' })],
    );
    const page = await store.summarizeEpisodes({ sort: 'episode' });
    expect(page.total).toBe(2);
    expect(page.nextCursor).toBeUndefined();
    expect(page.items).toEqual([
      {
        episode: 'agent',
        takes: 2,
        take: 1,
        calls: 2,
        recorded: 3,
        incomplete: 1,
        errors: 1,
        costUsd: 0.75,
        inputTokens: 150,
        outputTokens: 30,
        latencyMs: 500,
        firstAt: '2025-03-01T10:00:00.000Z',
        lastAt: '2025-03-02T09:00:00.000Z',
        models: ['claude-sonnet-4-0', 'gpt-4o', 'o3-mini'],
        providers: ['anthropic', 'openai'],
      },
      {
        episode: 'imported',
        takes: 1,
        take: 3,
        calls: 2,
        recorded: 2,
        incomplete: 0,
        errors: 0,
        costUsd: 3,
        inputTokens: 2,
        outputTokens: 4,
        latencyMs: 20,
        firstAt: '2024-05-01T00:00:01.000Z',
        lastAt: '2024-05-01T00:00:02.000Z',
        models: ['gpt-4o'],
        providers: ['openai'],
      },
    ]);
    expect(page.models).toEqual(['claude-sonnet-4-0', 'gpt-4o', 'o3-mini']);
    expect(page.providers).toEqual(['anthropic', 'openai']);
    // A later take with a complete call becomes the served one.
    await record('agent', [call('agent', 1, { cost: 0.125, tokens: [7, 8], ms: 40, at: '2025-03-03T00:00:00.000Z' })]);
    const [agent] = (await store.summarizeEpisodes({ q: 'agent' })).items;
    expect(agent).toMatchObject({ takes: 3, take: 3, calls: 1, recorded: 4, errors: 0, costUsd: 0.125, inputTokens: 7, latencyMs: 40 });
    // Removing takes and episodes takes their summaries along.
    await store.removeTakes([{ episode: 'agent', take: 3 }]);
    expect((await store.summarizeEpisodes({ q: 'agent' })).items[0]).toMatchObject({ takes: 2, take: 1, costUsd: 0.75 });
    await store.removeEpisodes(['imported']);
    expect((await store.summarizeEpisodes()).items.map((s) => s.episode)).toEqual(['agent']);
  });

  it('searches prompts, answers, models and providers for every word, and filters by model and provider', async () => {
    await record('trip', [call('trip', 1, { prompt: 'Plan the Zanzibar trip', answer: 'Take the ferry' })]);
    await record('mail', [call('mail', 1, { model: 'o3-mini', prompt: 'Write a mail', answer: 'Dear Zanzibar office' })]);
    await record('code', [call('code', 1, { provider: 'anthropic', model: 'claude-sonnet-4-0', prompt: 'fix the bug' })]);
    const names = async (query: Parameters<Store['summarizeEpisodes']>[0]): Promise<string[]> =>
      (await store.summarizeEpisodes({ sort: 'episode', ...query })).items.map((s) => s.episode);
    expect(await names({ q: 'zanzibar' })).toEqual(['mail', 'trip']);
    expect(await names({ q: 'ZANZIBAR ferry' })).toEqual(['trip']);
    expect(await names({ q: 'zanzibar nowhere' })).toEqual([]);
    expect(await names({ q: 'claude' })).toEqual(['code']);
    expect(await names({ q: 'cod' })).toEqual(['code']);
    expect(await names({ model: 'o3-mini' })).toEqual(['mail']);
    expect(await names({ model: 'o3' })).toEqual([]);
    expect(await names({ provider: 'anthropic' })).toEqual(['code']);
    expect(await names({ provider: 'openai', q: 'zanzibar', model: 'gpt-4o' })).toEqual(['trip']);
    expect((await store.summarizeEpisodes({ q: 'zanzibar' })).total).toBe(2);
    // Words are plain text: LIKE's wildcards in them match only themselves, and punctuation is no word.
    await record('sale', [call('sale', 1, { prompt: 'a 50% discount' })]);
    expect(await names({ q: '50%' })).toEqual(['sale']);
    expect(await names({ q: '%' })).toEqual([]);
    expect(await names({ q: '_' })).toEqual([]);
    expect(await names({ q: 'disc' })).toEqual([]);
    expect(await names({ q: 'disc*' })).toEqual(['sale']);
    expect(await names({ q: 'di*' })).toEqual([]);
  });

  it('searches the whole of a long answer and of every prompt of a take, not only their beginnings', async () => {
    // The word sits after 8,000 characters of the answer (the index used to keep the first 4,000
    // characters of a take, 400 of each part).
    const long = `${'lorem ipsum dolor sit amet '.repeat(300)}Kilimanjaro summit at dawn`;
    await record('long', [
      call('long', 1, { prompt: 'first question', answer: 'short' }),
      call('long', 2, { prompt: `${'context '.repeat(1000)}second Serengeti question`, answer: long }),
    ]);
    await record('other', [call('other', 1, { prompt: 'lorem ipsum', answer: 'dolor' })]);
    const names = async (q: string): Promise<string[]> =>
      (await store.summarizeEpisodes({ q, sort: 'episode' })).items.map((s) => s.episode);
    expect(await names('kilimanjaro')).toEqual(['long']);
    expect(await names('serengeti dawn')).toEqual(['long']);
    expect(await names('first kilimanjaro')).toEqual(['long']);
    expect(await names('lorem')).toEqual(['long', 'other']);
    expect(await names('kilimanjaro other')).toEqual([]);
    await store.removeEpisodes(['long']);
    expect(await names('kilimanjaro')).toEqual([]);
    expect(await names('lorem')).toEqual(['other']);
  });

  it('sums a group commit once per take: every row the group stored, none that failed', async () => {
    const alpha = await store.beginTake('alpha', 'live');
    const beta = await store.beginTake('beta', 'live');
    const closed = await store.beginTake('closed', 'live');
    await closed.append({ ...call('closed', 1), position: closed.nextPosition() });
    await closed.finish();
    const at = (n: number): string => `2025-02-0${n}T00:00:00.000Z`;
    const row = (w: TakeWriter, o: Parameters<typeof call>[2]): GroupAppend => ({
      writer: w,
      interaction: { ...call(w.episode, 0, o), position: w.nextPosition() },
    });
    const first = await store.appendGroup([
      row(alpha, { cost: 1, tokens: [1, 2], ms: 10, at: at(2), prompt: 'first yak' }),
      row(beta, { cost: 5, tokens: [5, 5], ms: 50, at: at(1), provider: 'anthropic', model: 'claude-sonnet-4-0' }),
      row(closed, { cost: 100, prompt: 'never stored' }),
      row(alpha, { cost: 2, tokens: [3, 4], ms: 20, at: at(1), status: 500, model: 'o3-mini' }),
      row(alpha, { complete: false, at: at(4) }),
    ]);
    expect(first.map((err) => err === undefined)).toEqual([true, true, false, true, true]);
    expect(await store.appendGroup([row(alpha, { cost: 4, tokens: [10, 20], ms: 40, at: at(3), prompt: 'second zebu' })])).toEqual([
      undefined,
    ]);
    const page = await store.summarizeEpisodes({ sort: 'episode' });
    expect(
      page.items.map(({ episode, calls, recorded, incomplete, errors, costUsd, inputTokens, outputTokens, latencyMs }) => ({
        episode,
        calls,
        recorded,
        incomplete,
        errors,
        costUsd,
        inputTokens,
        outputTokens,
        latencyMs,
      })),
    ).toEqual([
      { episode: 'alpha', calls: 3, recorded: 4, incomplete: 1, errors: 1, costUsd: 7, inputTokens: 14, outputTokens: 26, latencyMs: 70 },
      { episode: 'beta', calls: 1, recorded: 1, incomplete: 0, errors: 0, costUsd: 5, inputTokens: 5, outputTokens: 5, latencyMs: 50 },
      {
        episode: 'closed',
        calls: 1,
        recorded: 1,
        incomplete: 0,
        errors: 0,
        costUsd: 0.001,
        inputTokens: 1,
        outputTokens: 2,
        latencyMs: 10,
      },
    ]);
    expect(page.items[0]).toMatchObject({ firstAt: at(1), lastAt: at(4), models: ['gpt-4o', 'o3-mini'], providers: ['openai'] });
    expect(page.models).toEqual(['claude-sonnet-4-0', 'gpt-4o', 'o3-mini']);
    const names = async (q: string): Promise<string[]> =>
      (await store.summarizeEpisodes({ q, sort: 'episode' })).items.map((s) => s.episode);
    expect(await names('yak')).toEqual(['alpha']);
    expect(await names('zebu')).toEqual(['alpha']);
    expect(await names('never')).toEqual([]);
  });

  it('finds the words of every row of a group commit', async () => {
    const w = await store.beginTake('long', 'live');
    const rows = Array.from({ length: 12 }, (_, n) => ({
      writer: w,
      interaction: { ...call('long', 0, { prompt: `word${n + 1}x `.padEnd(600, '.') }), position: w.nextPosition() },
    }));
    for (let n = 0; n < rows.length; n += 3)
      expect(await store.appendGroup(rows.slice(n, n + 3))).toEqual([undefined, undefined, undefined]);
    const found = async (word: string): Promise<boolean> => (await store.summarizeEpisodes({ q: word })).total === 1;
    for (let n = 1; n <= 12; n++) expect(await found(`word${n}x`)).toBe(true);
    expect(await found('word13x')).toBe(false);
    expect((await store.summarizeEpisodes()).items[0]).toMatchObject({ calls: 12, recorded: 12 });
  });

  it('sorts and pages with a cursor to the end, and jumps with an offset', async () => {
    for (let n = 0; n < 7; n++) {
      const ep = `ep-${n}`;
      await record(ep, [call(ep, 1, { cost: [3, 1, 3, 2, 0, 3, 1][n] as number, at: `2025-01-0${n + 1}T00:00:00.000Z`, tokens: [n, 0] })]);
    }
    const walk = async (sort: 'cost' | 'lastUsed' | 'episode' | 'tokens' | 'calls'): Promise<string[]> => {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await store.summarizeEpisodes({ sort, limit: 3, ...(cursor ? { cursor } : {}) });
        expect(page.total).toBe(7);
        seen.push(...page.items.map((s) => s.episode));
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      return seen;
    };
    expect(await walk('cost')).toEqual(['ep-0', 'ep-2', 'ep-5', 'ep-3', 'ep-1', 'ep-6', 'ep-4']);
    expect(await walk('lastUsed')).toEqual(['ep-6', 'ep-5', 'ep-4', 'ep-3', 'ep-2', 'ep-1', 'ep-0']);
    expect(await walk('episode')).toEqual(['ep-0', 'ep-1', 'ep-2', 'ep-3', 'ep-4', 'ep-5', 'ep-6']);
    expect(await walk('tokens')).toEqual(['ep-6', 'ep-5', 'ep-4', 'ep-3', 'ep-2', 'ep-1', 'ep-0']);
    expect(await walk('calls')).toEqual(['ep-0', 'ep-1', 'ep-2', 'ep-3', 'ep-4', 'ep-5', 'ep-6']);
    const last = await store.summarizeEpisodes({ sort: 'episode', offset: 5, limit: 50 });
    expect(last.items.map((s) => s.episode)).toEqual(['ep-5', 'ep-6']);
    const past = await store.summarizeEpisodes({ sort: 'episode', offset: 50 });
    expect(past).toMatchObject({ total: 7, items: [] });
    const first = await store.summarizeEpisodes({ sort: 'cost', limit: 2 });
    await expect(store.summarizeEpisodes({ sort: 'episode', cursor: first.nextCursor as string })).rejects.toThrow(
      expect.objectContaining({ code: 'bad_usage' }),
    );
    await expect(store.summarizeEpisodes({ cursor: 'not-a-cursor' })).rejects.toThrow(expect.objectContaining({ code: 'bad_usage' }));
  });
});

describe.each(BACKENDS)('$name store with several processes', (backend) => {
  it('two concurrent writers each get their own take, nothing lost or interleaved', async () => {
    const storePath = await backend.fresh('concurrent');
    const goFile = join(tmp.path, `go-${backend.name}-${Math.random()}`);
    const children = ['A', 'B'].map((tag) => startChild(writer, [storePath, 'shared', tag, '50', goFile]));
    const results = children.map(finished);
    await Promise.all(children.map((c) => printed(c, 'ready')));
    writeFileSync(goFile, ''); // both start appending at once
    for (const r of await Promise.all(results)) expect(r.code, r.stderr).toBe(0);
    const takes = (await Promise.all(results)).map((r) => (JSON.parse(r.stdout.split('\n')[1] as string) as { take: number }).take).sort();
    expect(takes).toEqual([1, 2]);
    const store = await openStore(storePath, { readonly: true });
    expect((await store.listTakes('shared')).map((t) => [t.take, t.interactions])).toEqual([
      [1, 50],
      [2, 50],
    ]);
    const all = await collect(store.interactions({ newestTakeOnly: false }));
    expect(all).toHaveLength(100);
    const spans = [1, 2].map((take) => all.filter((i) => i.take === take).map((i) => Date.parse(i.recordedAt)));
    const [a, b] = spans as [number[], number[]];
    expect(Math.min(...a) <= Math.max(...b) && Math.min(...b) <= Math.max(...a), 'the two writers did not run at the same time').toBe(true);
    for (const take of [1, 2]) {
      const mine = all.filter((i) => i.take === take);
      const tags = new Set(mine.map((i) => (i.request.body as { json: { tag: string } }).json.tag));
      expect(tags.size).toBe(1);
      expect(mine.map((i) => i.position)).toEqual(Array.from({ length: 50 }, (_, k) => k + 1));
      expect(mine.map((i) => (i.request.body as { json: { k: number } }).json.k)).toEqual(Array.from({ length: 50 }, (_, k) => k + 1));
    }
    await store.close();
  });

  it('record-missing writers of a new episode converge on one take, each interaction once (issue 13 item 19)', async () => {
    const storePath = await backend.fresh('converge');
    const goFile = join(tmp.path, `go-converge-${backend.name}-${Math.random()}`);
    const children = ['A', 'B', 'C'].map((tag) => startChild(continuer, [storePath, 'shared', tag, '40', goFile]));
    const results = children.map(finished);
    await Promise.all(children.map((c) => printed(c, 'ready'))); // each opened the episode before it had a take
    writeFileSync(goFile, '');
    for (const r of await Promise.all(results)) expect(r.code, r.stderr).toBe(0);
    const store = await openStore(storePath, { readonly: true });
    expect((await store.listTakes('shared')).map((t) => [t.take, t.interactions])).toEqual([[1, 120]]);
    const served = (await store.loadEpisode('shared'))?.interactions ?? [];
    const positions = served.map((i) => i.position);
    expect(new Set(positions).size, 'every position once').toBe(120);
    const written = served.map((i) => (i.request.body as { json: { tag: string; k: number } }).json);
    expect(new Set(written.map((w) => `${w.tag}${w.k}`)).size, 'every interaction once').toBe(120);
    for (const tag of ['A', 'B', 'C']) {
      // Each writer's own calls keep their order in the take.
      const ks = written.filter((w) => w.tag === tag).map((w) => w.k);
      expect(ks).toEqual(Array.from({ length: 40 }, (_, k) => k + 1));
    }
    await store.close();
  });

  it('kill -9 of one record-missing writer loses nothing the other was told was stored', async () => {
    const storePath = await backend.fresh('converge-crash');
    const goFile = join(tmp.path, `go-converge-crash-${backend.name}-${Math.random()}`);
    const [victim, survivor] = ['V', 'S'].map((tag) =>
      startChild(continuer, [storePath, 'shared', tag, tag === 'V' ? '100000' : '60', goFile]),
    ) as [ReturnType<typeof startChild>, ReturnType<typeof startChild>];
    const victimExit = finished(victim);
    const survivorExit = finished(survivor);
    await Promise.all([printed(victim, 'ready'), printed(survivor, 'ready')]);
    writeFileSync(goFile, '');
    let acked = 0;
    victim.stdout?.on('data', (d: Buffer) => {
      for (const m of d.toString().matchAll(/ack (\d+)/g)) acked = Math.max(acked, Number(m[1]));
    });
    await printed(survivor, 'ack 20');
    victim.kill('SIGKILL');
    expect((await victimExit).signal).toBe('SIGKILL');
    const done = await survivorExit;
    expect(done.code, done.stderr).toBe(0);
    const store = await openStore(storePath, { readonly: true });
    expect((await store.listTakes('shared')).map((t) => t.take)).toEqual([1]);
    const written = ((await store.loadEpisode('shared'))?.interactions ?? []).map(
      (i) => (i.request.body as { json: { tag: string; k: number } }).json,
    );
    expect(written.filter((w) => w.tag === 'S').map((w) => w.k)).toEqual(Array.from({ length: 60 }, (_, k) => k + 1));
    const victims = written.filter((w) => w.tag === 'V').map((w) => w.k);
    // Every acknowledged append is there; at most the one in flight when the kill came is added.
    expect(victims.slice(0, acked)).toEqual(Array.from({ length: acked }, (_, k) => k + 1));
    expect(victims.length - acked).toBeLessThanOrEqual(1);
    expect(new Set((await store.loadEpisode('shared'))?.interactions.map((i) => i.position)).size).toBe(written.length);
    await store.close();
  });

  it('kill -9 keeps every appended interaction', async () => {
    const storePath = await backend.fresh('crash');
    const child = startChild(crasher, [storePath, 'ep', '20']);
    const exit = finished(child);
    await printed(child, 'appended');
    child.kill('SIGKILL');
    expect((await exit).signal).toBe('SIGKILL');
    const store = await openStore(storePath);
    expect((await store.loadEpisode('ep'))?.interactions.map((i) => i.position)).toEqual(Array.from({ length: 20 }, (_, k) => k + 1));
    // The next session gets a new take; the crashed one stays whole.
    const w = await store.beginTake('ep', 'live');
    await w.append(tinyInteraction('ep', w.nextPosition()));
    await w.finish();
    expect((await store.listTakes('ep')).map((t) => [t.take, t.interactions, t.closedAt === undefined])).toEqual([
      [1, 20, true],
      [2, 1, false],
    ]);
    await store.close();
  });
});
