import { createHash } from 'node:crypto';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openDirectoryStore } from '../../src/store/directory-store.js';
import { cassette, chatInteraction, tempDir } from './cli-helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
let store: string;
let n = 0;

// 60 KiB of one byte value: canonical base64 past the 64 KiB threshold, so it goes to a blob file.
const payload = (seed: number): Buffer => Buffer.alloc(60 * 1024, seed);
const blobFile = (seed: number): string => `${createHash('sha256').update(payload(seed)).digest('hex')}.bin`;
const blobs = (): string[] => (existsSync(join(store, '_blobs')) ? readdirSync(join(store, '_blobs')).sort() : []);
const named = (...seeds: number[]): string[] => seeds.map(blobFile).sort();

/** A directory store: `{ episode: [[blob seeds of take 1], [of take 2]] }`, one call per take. */
async function writeDirStore(episodes: Record<string, number[][]>): Promise<void> {
  const s = openDirectoryStore(store);
  for (const [episode, takes] of Object.entries(episodes)) {
    for (const seeds of takes) {
      const w = await s.beginTake(episode, 'live');
      const i = chatInteraction(episode, w.nextPosition());
      i.response.body = { kind: 'json', json: { data: seeds.map((k) => ({ embedding: payload(k).toString('base64') })) } };
      await w.append(i);
      await w.finish();
    }
  }
  await s.close();
}

beforeEach(async () => {
  store = join(tmp.dir, `store-${++n}`);
  await writeDirStore({
    alpha: [
      [1, 2, 4],
      [1, 3],
    ],
    beta: [[2]],
  });
});

describe('blob files of a directory store', () => {
  it('cassette rm deletes the blobs only the removed episode used', async () => {
    expect(blobs()).toEqual(named(1, 2, 3, 4));
    const r = await cassette(['rm', 'alpha', '--store', store], tmp.dir);
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe('removed 1 episode (2 interactions)');
    expect(blobs()).toEqual(named(2));
    const v = await cassette(['verify', '--store', store], tmp.dir);
    expect(v.code, v.stdout).toBe(0);
  });

  it('cassette prune deletes the blobs only the pruned takes used', async () => {
    const r = await cassette(['prune', '--keep-takes', '1', '--store', store], tmp.dir);
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe('removed 1 take (1 interaction)');
    expect(blobs()).toEqual(named(1, 2, 3)); // 1 is in alpha's take 2, 2 in beta
    expect((await cassette(['show', 'alpha', '--json', '--store', store], tmp.dir)).code).toBe(0);
  });

  it('cassette verify reports a blob no take refers to, and the next prune deletes it', async () => {
    writeFileSync(join(store, '_blobs', blobFile(7)), payload(7));
    const where = join(store, '_blobs', blobFile(7));
    const r = await cassette(['verify', '--store', store], tmp.dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe(`integrity   ${where}: no take refers to this blob (the next cassette rm or prune deletes it)\n`);
    expect(r.stderr).toContain('0 credential findings, 1 integrity finding');
    const j = await cassette(['verify', '--json', '--store', store], tmp.dir);
    expect(JSON.parse(j.stdout).findings).toEqual([
      { kind: 'integrity', where, message: 'no take refers to this blob (the next cassette rm or prune deletes it)' },
    ]);
    const p = await cassette(['prune', '--keep-takes', '5', '--store', store], tmp.dir);
    expect(p.stderr.trim()).toBe('removed 0 takes (0 interactions)');
    expect(blobs()).toEqual(named(1, 2, 3, 4));
    expect((await cassette(['verify', '--store', store], tmp.dir)).code).toBe(0);
  });
});
