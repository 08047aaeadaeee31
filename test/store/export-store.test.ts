import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDirectoryStore } from '../../src/store/directory-store.js';
import { exportStore, importStore } from '../../src/store/export-store.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import type { Interaction } from '../../src/types.js';
import { corpusIndex } from '../helpers/corpus.js';
import { snapshot, storedCorpusInteraction, tempDir, tinyInteraction } from './fixtures.js';
import { collect } from '../../src/store/store.js';

/** Records every corpus file into `store`: one episode per provider, a second openai take with incomplete answers. */
async function recordCorpus(store: Store): Promise<Interaction[]> {
  const written: Interaction[] = [];
  const byProvider = new Map<string, ReturnType<typeof corpusIndex>>();
  for (const e of corpusIndex()) byProvider.set(e.provider, [...(byProvider.get(e.provider) ?? []), e]);
  for (const [provider, entries] of byProvider) {
    const w = await store.beginTake(provider, 'live');
    for (const entry of entries) {
      const i = storedCorpusInteraction(entry, provider, 1, w.nextPosition());
      await w.append(i);
      written.push(i);
    }
    await w.finish();
  }
  const w = await store.beginTake('openai', 'record-missing');
  for (const entry of corpusIndex()
    .filter((e) => e.provider === 'openai')
    .slice(0, 6)) {
    const i = { ...storedCorpusInteraction(entry, 'openai', 2, w.nextPosition()), complete: false };
    await w.append(i);
    written.push(i);
  }
  const big = tinyInteraction('openai', w.nextPosition());
  big.response.body = { kind: 'base64', base64: Buffer.alloc(90_000, 3).toString('base64') };
  await w.append({ ...big, take: 2 });
  written.push({ ...big, take: 2 });
  await w.finish();
  return written;
}

describe('export and import', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.remove());

  it('SQLite → export → import into a fresh SQLite → export is byte-identical', async () => {
    const db1 = openSqliteStore(join(tmp.path, 'one.db'));
    const written = await recordCorpus(db1);
    const counts = await exportStore(db1, join(tmp.path, 'x1'));
    expect(counts).toEqual({ episodes: 8, takes: 9, interactions: written.length });
    const db2 = openSqliteStore(join(tmp.path, 'two.db'));
    expect(await importStore(join(tmp.path, 'x1'), db2)).toEqual(counts);
    await exportStore(db2, join(tmp.path, 'x2'));
    const [a, b] = [snapshot(join(tmp.path, 'x1')), snapshot(join(tmp.path, 'x2'))];
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [name, bytes] of a) expect(b.get(name)?.equals(bytes), name).toBe(true);
    expect([...a.keys()].some((k) => k.startsWith('_blobs/'))).toBe(true);
    expect(await db2.listTakes()).toEqual(await db1.listTakes());
    expect(await collect(db2.interactions({ newestTakeOnly: false, includeIncomplete: true }))).toEqual(
      await collect(db1.interactions({ newestTakeOnly: false, includeIncomplete: true })),
    );
    await db1.close();
    await db2.close();
  });

  it('directory → import → export is byte-identical, and golden reads the recordings back', async () => {
    const dir = openDirectoryStore(join(tmp.path, 'rec'));
    const written = await recordCorpus(dir);
    await dir.close();
    const db = openSqliteStore(join(tmp.path, 'db.sqlite'));
    await importStore(join(tmp.path, 'rec'), db);
    await exportStore(db, join(tmp.path, 'out'));
    await db.close();
    const [a, b] = [snapshot(join(tmp.path, 'rec')), snapshot(join(tmp.path, 'out'))];
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [name, bytes] of a) expect(b.get(name)?.equals(bytes), name).toBe(true);

    const golden = openDirectoryStore(join(tmp.path, 'out'), { readonly: true });
    for (const provider of new Set(corpusIndex().map((e) => e.provider))) {
      const index = await golden.loadEpisode(provider);
      const expected = written.filter((i) => i.episode === provider && i.take === index?.take && i.complete);
      expect(index?.interactions, provider).toEqual(expected);
    }
    expect((await golden.loadEpisode('openai'))?.take).toBe(2); // the big base64 answer is complete
    expect((await golden.loadEpisode('openai'))?.interactions.at(-1)?.response.body).toEqual(written.at(-1)?.response.body);
  });

  it('refuses to import over existing takes, writing nothing', async () => {
    const src = openDirectoryStore(join(tmp.path, 'src'));
    for (const e of ['a', 'b']) {
      const w = await src.beginTake(e, 'live');
      await w.append(tinyInteraction(e, 1));
      await w.finish();
    }
    const db = openSqliteStore(join(tmp.path, 'x.db'));
    const w = await db.beginTake('b', 'live');
    await w.append(tinyInteraction('b', 1));
    await w.finish();
    await expect((async () => await importStore(join(tmp.path, 'src'), db))()).rejects.toThrow(
      expect.objectContaining({ code: 'bad_usage' }),
    );
    expect(await db.listEpisodes()).toEqual(['b']);
    await db.close();
  });
});
