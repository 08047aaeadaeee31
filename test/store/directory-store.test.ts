import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDirectoryStore } from '../../src/store/directory-store.js';
import type { Store } from '../../src/store/store.js';
import type { Interaction } from '../../src/types.js';
import { tempDir, tinyInteraction } from './fixtures.js';

describe('directory store', () => {
  let tmp: ReturnType<typeof tempDir>;
  let store: Store;
  beforeEach(() => {
    tmp = tempDir();
    store = openDirectoryStore(tmp.path);
  });
  afterEach(async () => {
    await store.close();
    tmp.remove();
  });

  const roundTrip = async (interaction: Interaction): Promise<{ loaded: Interaction | undefined; text: string }> => {
    const w = await store.beginTake('e1', 'live');
    await w.append(interaction);
    await w.finish();
    const text = readFileSync(join(tmp.path, 'e1', 'take-1.json'), 'utf8');
    return { loaded: (await openDirectoryStore(tmp.path, { readonly: true }).loadEpisode('e1'))?.interactions[0], text };
  };

  it('writes one deterministic JSON file per take: sorted keys, 2-space indent, trailing newline', async () => {
    const { loaded, text } = await roundTrip({ ...tinyInteraction('e1', 1), take: 1 });
    expect(readdirSync(join(tmp.path, 'e1'))).toEqual(['take-1.json']);
    expect(text.endsWith('}\n')).toBe(true);
    const doc = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['closedAt', 'createdAt', 'episode', 'format', 'interactions', 'mode', 'take']);
    expect(text).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    const stored = (doc.interactions as Record<string, unknown>[])[0] as Record<string, unknown>;
    expect(Object.keys(stored)).toEqual([...Object.keys(stored)].sort());
    expect(loaded).toEqual({ ...tinyInteraction('e1', 1), take: 1 });
  });

  it('keeps the key order of JSON bodies, which byte-exact replay depends on', async () => {
    const i = tinyInteraction('e1', 1);
    i.response.body = { kind: 'json', json: { zeta: 1, alpha: { y: 1, b: 2 } }, indent: 2 };
    const { loaded, text } = await roundTrip(i);
    expect(text.indexOf('"zeta"')).toBeLessThan(text.indexOf('"alpha"'));
    const body = loaded?.response.body;
    expect(body?.kind === 'json' && JSON.stringify(body.json)).toBe('{"zeta":1,"alpha":{"y":1,"b":2}}');
  });

  it('moves large base64 to content-addressed side files and restores it', async () => {
    const bytes = Buffer.alloc(100 * 1024, 7);
    for (let k = 0; k < bytes.length; k++) bytes[k] = (k * 31) % 251;
    const b64 = bytes.toString('base64');
    const i = tinyInteraction('e1', 1);
    i.request.body = { kind: 'json', json: { image: `data:image/png;base64,${b64}`, small: 'aGVsbG8=' } };
    i.response.body = { kind: 'json', json: { data: [{ embedding: b64 }, { embedding: bytes.toString('base64url') }] } };
    const { loaded, text } = await roundTrip(i);
    const blobs = readdirSync(join(tmp.path, '_blobs'));
    expect(blobs).toHaveLength(1); // the same bytes three times: one content-addressed file
    expect(readFileSync(join(tmp.path, '_blobs', blobs[0] as string)).equals(bytes)).toBe(true);
    expect(text).toContain(`"$blob": "sha256:${(blobs[0] as string).slice(0, 64)}"`);
    expect(text).toContain('"prefix": "data:image/png;base64,"');
    expect(text).toContain('"encoding": "base64url"');
    expect(text).toContain('"small": "aGVsbG8="');
    expect(text.length).toBeLessThan(10_000);
    expect(loaded).toEqual({ ...i, take: 1 });

    const raw = tinyInteraction('e2', 1);
    raw.response.body = { kind: 'base64', base64: b64 };
    const w = await store.beginTake('e2', 'live');
    await w.append(raw);
    await w.finish();
    expect(readFileSync(join(tmp.path, 'e2', 'take-1.json'), 'utf8')).not.toContain(b64.slice(0, 100));
    expect((await store.loadEpisode('e2'))?.interactions[0]?.response.body).toEqual(raw.response.body);
  });

  it('leaves small or non-canonical base64 inline', async () => {
    const wrapped = Buffer.alloc(70 * 1024, 1)
      .toString('base64')
      .replace(/(.{76})/g, '$1\n');
    const i = tinyInteraction('e1', 1);
    i.response.body = { kind: 'json', json: { mime: wrapped, tiny: Buffer.alloc(48 * 1024, 2).toString('base64') } };
    const { loaded, text } = await roundTrip(i);
    expect(existsSync(join(tmp.path, '_blobs'))).toBe(false);
    expect(text).not.toContain('$blob');
    expect(loaded).toEqual({ ...i, take: 1 });
  });

  it('never mistakes recorded data for a blob reference', async () => {
    const i = tinyInteraction('e1', 1);
    const tricky = { $blob: `sha256:${'0'.repeat(64)}`, bytes: 3, $$blob: 'x', $blobs: 1 };
    i.response.body = { kind: 'json', json: tricky };
    i.request.body = { kind: 'text', text: '{"$blob": 1}' };
    const { loaded, text } = await roundTrip(i);
    expect(text).toContain('"$$blob": "sha256:');
    expect(text).toContain('"$$$blob": "x"');
    expect(loaded).toEqual({ ...i, take: 1 });
  });

  it('refuses episode ids that are not safe directory names and ignores such directories', async () => {
    for (const bad of ['..', '.', '../x', 'a/b', '.hidden', '-x', '', 'x'.repeat(129)]) {
      await expect((async () => await store.beginTake(bad, 'live'))()).rejects.toThrow(expect.objectContaining({ code: 'bad_usage' }));
      expect(await store.loadEpisode(bad)).toBeUndefined();
    }
    for (const dir of ['.hidden', '-x', '_blobs', 'bad name', 'empty']) mkdirSync(join(tmp.path, dir));
    for (const dir of ['.hidden', '-x', 'bad name']) writeFileSync(join(tmp.path, dir, 'take-1.json'), '{}');
    writeFileSync(join(tmp.path, 'file.json'), '{}');
    expect(await store.listEpisodes()).toEqual([]);
    expect(await store.listTakes()).toEqual([]);
  });

  it('read-only: needs an existing directory and never writes', async () => {
    expect(() => openDirectoryStore(join(tmp.path, 'missing'), { readonly: true })).toThrow(
      expect.objectContaining({ code: 'store_unreadable' }),
    );
    const ro = openDirectoryStore(tmp.path, { readonly: true });
    await expect((async () => await ro.beginTake('e1', 'live'))()).rejects.toThrow(expect.objectContaining({ code: 'store_write_failed' }));
    await expect((async () => await ro.removeEpisodes(['e1']))()).rejects.toThrow(expect.objectContaining({ code: 'store_write_failed' }));
  });

  it('folds an open take when the store closes, without marking it closed', async () => {
    const w = await store.beginTake('e1', 'live');
    await w.append(tinyInteraction('e1', 1));
    expect(readdirSync(join(tmp.path, 'e1'))).toEqual(['take-1.journal.jsonl']);
    await store.close();
    expect(readdirSync(join(tmp.path, 'e1'))).toEqual(['take-1.json']);
    expect((await openDirectoryStore(tmp.path).listTakes())[0]?.closedAt).toBeUndefined();
    await expect((async () => await w.append(tinyInteraction('e1', 2)))()).rejects.toThrow(
      expect.objectContaining({ code: 'store_write_failed' }),
    );
  });

  it('refuses a repeated position; a second session continuing a take another one is writing joins it', async () => {
    const w = await store.beginTake('e1', 'live');
    await w.append(tinyInteraction('e1', 1));
    await expect((async () => await w.append(tinyInteraction('e1', 1)))()).rejects.toThrow(expect.objectContaining({ code: 'bad_usage' }));
    const other = openDirectoryStore(tmp.path);
    expect((await other.loadEpisode('e1'))?.interactions).toHaveLength(1); // readers see the journal
    const c = await other.continueTake('e1', 'record-missing');
    expect(c.nextPosition()).toBe(2);
    await c.append(tinyInteraction('e1', 2, 'other'));
    // Position 2 went to the other session meanwhile: this one's own position 2 goes to the end.
    await w.append(tinyInteraction('e1', w.nextPosition()));
    await c.finish(); // folds the shared journal: the first session creates it again on its next append
    await w.append(tinyInteraction('e1', w.nextPosition()));
    await w.finish();
    const served = (await store.loadEpisode('e1'))?.interactions.map((i) => [i.position, i.key]);
    expect(served).toEqual([
      [1, 't-1'],
      [2, 'other-2'],
      [3, 't-2'],
      [4, 't-4'],
    ]);
    expect(readdirSync(join(tmp.path, 'e1'))).toEqual(['take-1.json']);
    expect((await store.listTakes('e1')).map((t) => t.take)).toEqual([1]);
  });

  it('treats a journal of this very process that no open writer owns as orphaned', async () => {
    mkdirSync(join(tmp.path, 'e1'));
    const header = {
      type: 'take',
      episode: 'e1',
      take: 1,
      mode: 'live',
      createdAt: '2025-01-01T00:00:00.000Z',
      pid: process.pid,
      thread: threadId,
    };
    const line = JSON.stringify({ type: 'interaction', interaction: { ...tinyInteraction('e1', 1), take: 1 } });
    writeFileSync(join(tmp.path, 'e1', 'take-1.journal.jsonl'), `${JSON.stringify(header)}\n${line}\n`);
    const w = await store.continueTake('e1', 'record-missing');
    await w.append(tinyInteraction('e1', w.nextPosition()));
    await w.finish();
    expect(readdirSync(join(tmp.path, 'e1'))).toEqual(['take-1.json']);
    expect((await store.loadEpisode('e1'))?.interactions.map((i) => i.position)).toEqual([1, 2]);
  });
});
