import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addBlobReferences } from '../../src/store/blob-files.js';
import { openDirectoryStore } from '../../src/store/directory-store.js';
import type { Store } from '../../src/store/store.js';
import type { Interaction } from '../../src/types.js';
import { assertFreshBuild, finished, printed, startChild, writeScript } from './child-process.js';
import { tempDir, tinyInteraction } from './fixtures.js';
import { collect } from '../../src/store/store.js';

// 60 KiB of one byte value: 80 K characters of canonical base64, past the 64 KiB blob threshold.
const payload = (seed: number): Buffer => Buffer.alloc(60 * 1024, seed);
const digest = (seed: number): string => createHash('sha256').update(payload(seed)).digest('hex');

/** An interaction whose response body goes to a blob file for each seed. */
function withBlobs(episode: string, position: number, seeds: number[]): Interaction {
  const i = tinyInteraction(episode, position);
  i.response.body = { kind: 'json', json: { data: seeds.map((s) => ({ embedding: payload(s).toString('base64') })) } };
  return i;
}

async function record(store: Store, episode: string, takes: number[][][]): Promise<void> {
  for (const calls of takes) {
    const w = await store.beginTake(episode, 'live');
    for (const seeds of calls) await w.append(withBlobs(episode, w.nextPosition(), seeds));
    await w.finish();
  }
}

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid as number;
}

describe('blob collection in the directory store', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  const blobs = (): string[] => (existsSync(join(tmp.path, '_blobs')) ? readdirSync(join(tmp.path, '_blobs')).sort() : []);
  const named = (...seeds: number[]): string[] => seeds.map((s) => `${digest(s)}.bin`).sort();
  beforeEach(() => {
    tmp = tempDir();
    store = openDirectoryStore(tmp.path);
  });
  afterEach(async () => {
    await store.close();
    tmp.remove();
  });

  it('rm of an episode deletes its blobs and keeps those another episode still refers to', async () => {
    await record(store, 'e1', [[[1, 2]]]);
    await record(store, 'e2', [[[1], [3]]]);
    expect(blobs()).toEqual(named(1, 2, 3));
    expect(await store.removeEpisodes(['e1'])).toBe(1);
    expect(blobs()).toEqual(named(1, 3));
    expect((await store.loadEpisode('e2'))?.interactions[0]).toEqual({ ...withBlobs('e2', 1, [1]), take: 1 });
    await store.removeEpisodes(['e2']);
    expect(existsSync(join(tmp.path, '_blobs'))).toBe(false);
  });

  it('prune of a take deletes its blobs and keeps those other takes still refer to', async () => {
    await record(store, 'e1', [[[1, 2]], [[1], [3]], [[4]]]);
    await record(store, 'e2', [[[2]]]);
    expect(await store.removeTakes([{ episode: 'e1', take: 2 }])).toBe(2);
    expect(blobs()).toEqual(named(1, 2, 4));
    expect(await store.removeTakes([{ episode: 'e1', take: 1 }])).toBe(1);
    expect(blobs()).toEqual(named(2, 4));
    expect((await collect(store.interactions({ newestTakeOnly: false }))).map((i) => `${i.episode}/${i.take}`)).toEqual(['e1/3', 'e2/1']);
  });

  it('also collects blobs left behind earlier when a removal finds nothing to remove', async () => {
    await record(store, 'e1', [[[1]]]);
    mkdirSync(join(tmp.path, '_blobs'), { recursive: true });
    writeFileSync(join(tmp.path, '_blobs', `${digest(9)}.bin`), payload(9));
    const leftover = join(tmp.path, '_blobs', `${digest(8)}.bin.tmp-${deadPid()}-0a1b2c3d`);
    writeFileSync(leftover, 'half');
    expect(await store.removeTakes([])).toBe(0);
    expect(blobs()).toEqual(named(1));
  });

  it("keeps the blobs of this thread's open take and still collects the others", async () => {
    await record(store, 'e1', [[[1, 2]]]);
    const w = await store.beginTake('e2', 'live');
    await w.append(withBlobs('e2', w.nextPosition(), [2, 3]));
    await store.removeEpisodes(['e1']);
    expect(blobs()).toEqual(named(2, 3)); // in the journal only, not yet folded
    await w.finish();
    expect((await store.loadEpisode('e2'))?.interactions).toHaveLength(1);
  });

  it('keeps the blobs a journal left by a dead writer refers to', async () => {
    await record(store, 'e1', [[[1, 2]]]);
    mkdirSync(join(tmp.path, 'e2'));
    const header = { type: 'take', episode: 'e2', take: 1, mode: 'live', createdAt: '2025-01-01T00:00:00.000Z', pid: deadPid() };
    const i = tinyInteraction('e2', 1);
    const ref = { $blob: `sha256:${digest(2)}`, bytes: payload(2).length };
    const line = {
      type: 'interaction',
      interaction: { ...i, take: 1, response: { ...i.response, body: { kind: 'base64', base64: ref } } },
    };
    writeFileSync(join(tmp.path, 'e2', 'take-1.journal.jsonl'), `${JSON.stringify(header)}\n${JSON.stringify(line)}\n`);
    await store.removeEpisodes(['e1']);
    expect(blobs()).toEqual(named(2));
    expect((await store.loadEpisode('e2'))?.interactions[0]?.response.body).toEqual({
      kind: 'base64',
      base64: payload(2).toString('base64'),
    });
  });
});

describe('blob collection with a writer in another process', () => {
  let tmp: ReturnType<typeof tempDir>;
  let holder: string;
  beforeAll(() => {
    assertFreshBuild();
    tmp = tempDir('cassette-blob-gc-');
    holder = writeScript(
      tmp.path,
      'holder.mjs',
      `const [storePath, episode, seed] = process.argv.slice(2);
const store = (await openStore(storePath));
const w = (await store.beginTake(episode, 'live'));
const i = interaction(episode, 'hold', 1, w.nextPosition());
i.response.body = { kind: 'base64', base64: Buffer.alloc(60 * 1024, Number(seed)).toString('base64') };
await w.append(i);
process.stdout.write('appended\\n');
setInterval(() => {}, 1000);
`,
    );
  });
  afterAll(() => tmp?.remove());

  it('collects while it records (it writes blobs and journal lines under the lock), keeping the blob only its journal refers to', async () => {
    const storePath = join(tmp.path, 'store');
    const store = openDirectoryStore(storePath);
    await record(store, 'e1', [[[1, 2]]]);
    const child = startChild(holder, [storePath, 'e2', '5']);
    const exit = finished(child);
    try {
      await printed(child, 'appended');
      await store.removeEpisodes(['e1']);
      expect(readdirSync(join(storePath, '_blobs'))).toEqual([`${digest(5)}.bin`]);
      // A live journal of an older version (no "appends":"locked"): its writer appends without the
      // lock and may be about to reuse any blob, so none goes while it lives.
      await record(store, 'e1', [[[1]]]);
      mkdirSync(join(storePath, 'e3'));
      const header = { type: 'take', episode: 'e3', take: 1, mode: 'live', createdAt: '2025-01-01T00:00:00.000Z', pid: child.pid };
      writeFileSync(join(storePath, 'e3', 'take-1.journal.jsonl'), `${JSON.stringify(header)}\n`);
      await store.removeEpisodes(['e1']);
      expect(readdirSync(join(storePath, '_blobs')).sort()).toEqual([1, 5].map((s) => `${digest(s)}.bin`).sort());
    } finally {
      child.kill('SIGKILL');
      await exit;
    }
    await store.removeEpisodes(['e1']);
    expect(readdirSync(join(storePath, '_blobs'))).toEqual([`${digest(5)}.bin`]);
    expect((await store.loadEpisode('e2'))?.interactions[0]?.response.body).toEqual({
      kind: 'base64',
      base64: payload(5).toString('base64'),
    });
    await store.close();
  });
});

describe('addBlobReferences', () => {
  const refs = (text: string): string[] => {
    const into = new Set<string>();
    addBlobReferences(text, into);
    return [...into];
  };
  const hex = 'ab'.repeat(32);

  it('finds references in pretty take files and compact journal lines', () => {
    expect(refs(`{\n  "a": {\n    "$blob": "sha256:${hex}",\n    "bytes": 3\n  }\n}\n`)).toEqual([hex]);
    expect(refs(`{"type":"interaction","interaction":{"x":{"bytes":3,"$blob":"sha256:${hex}"}}}\n`)).toEqual([hex]);
  });

  it('ignores recorded keys escaped as $$blob and references quoted inside strings', () => {
    expect(refs(`{"$$blob":"sha256:${hex}","t":"{\\"$blob\\":\\"sha256:${hex}\\"}"}`)).toEqual([]);
  });

  it('finds a reference whose key is spelled with a unicode escape, as JSON.parse reads it', () => {
    expect(refs(`{"\\u0024blob":"sha256:${hex}","bytes":3}`)).toEqual([hex]);
  });
});
