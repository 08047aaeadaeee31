import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { tempDir, tinyInteraction } from './fixtures.js';
import { collect } from '../../src/store/store.js';

// The same behaviour from both stores: the SQLite store is the reference.
describe.each([
  ['sqlite', 'store.db'],
  ['directory', 'cassettes'],
])('%s store semantics', (_kind, name) => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  beforeEach(async () => {
    tmp = tempDir();
    store = await openStore(join(tmp.path, name));
  });
  afterEach(async () => {
    await store.close();
    tmp.remove();
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
