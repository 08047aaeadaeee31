import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDirectoryStore } from '../../src/store/directory-store.js';
import { openStore } from '../../src/store/open-store.js';
import { assertFreshBuild, finished, printed, startChild, writeScript } from './child-process.js';
import { tempDir, tinyInteraction } from './fixtures.js';
import { collect } from '../../src/store/store.js';

let tmp: ReturnType<typeof tempDir>;
let writer: string;
let crasher: string;
beforeAll(() => {
  assertFreshBuild();
  tmp = tempDir('cassette-mp-');
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
afterAll(() => tmp?.remove());

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid as number;
}

describe.each([
  ['directory', 'dir-store'],
  ['sqlite', 'store.db'],
])('%s store with several processes', (_kind, name) => {
  it('two concurrent writers each get their own take, nothing lost or interleaved', async () => {
    const storePath = join(tmp.path, `concurrent-${name}`);
    const goFile = join(tmp.path, `go-${name}`);
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

  it('kill -9 keeps every appended interaction', async () => {
    const storePath = join(tmp.path, `crash-${name}`);
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

describe('directory store crash recovery', () => {
  it('ignores a torn last journal line and folds the journal when the next writer comes', async () => {
    const storePath = join(tmp.path, 'torn');
    const child = startChild(crasher, [storePath, 'ep', '5']);
    const exit = finished(child);
    await printed(child, 'appended');
    child.kill('SIGKILL');
    await exit;
    const journal = join(storePath, 'ep', 'take-1.journal.jsonl');
    appendFileSync(journal, '{"type":"interaction","interaction":{"position":6,"compl');
    const reader = openDirectoryStore(storePath, { readonly: true });
    expect((await reader.loadEpisode('ep'))?.interactions).toHaveLength(5);
    const store = openDirectoryStore(storePath);
    const w = await store.continueTake('ep', 'record-missing');
    expect(w.nextPosition()).toBe(6);
    await w.append(tinyInteraction('ep', 6));
    await w.finish();
    expect(readdirSync(join(storePath, 'ep'))).toEqual(['take-1.json']);
    expect((await store.loadEpisode('ep'))?.interactions.map((i) => i.position)).toEqual([1, 2, 3, 4, 5, 6]);
    await store.close();
  });

  it('reads a hand-written journal of a dead writer, and refuses one damaged in the middle', async () => {
    const storePath = join(tmp.path, 'handmade');
    mkdirSync(join(storePath, 'ep'), { recursive: true });
    const header = { type: 'take', episode: 'ep', take: 3, mode: 'live', createdAt: '2025-01-01T00:00:00.000Z', pid: deadPid() };
    const line = (p: number): string =>
      `${JSON.stringify({ type: 'interaction', interaction: { ...tinyInteraction('ep', p), take: 3 } })}\n`;
    const journal = join(storePath, 'ep', 'take-3.journal.jsonl');
    writeFileSync(journal, `${JSON.stringify(header)}\n${line(2)}${line(1)}\u0000\u0000\n`);
    const leftover = join(storePath, 'ep', `take-3.json.tmp-${header.pid}-0a1b`);
    writeFileSync(leftover, '{"half":');
    const store = openDirectoryStore(storePath);
    expect((await store.loadEpisode('ep'))?.interactions.map((i) => [i.take, i.position])).toEqual([
      [3, 1],
      [3, 2],
    ]);
    const w = await store.beginTake('ep', 'live');
    expect(await w.take()).toBe(4);
    expect(existsSync(journal)).toBe(false);
    expect(existsSync(leftover)).toBe(false);
    expect(JSON.parse(readFileSync(join(storePath, 'ep', 'take-3.json'), 'utf8')).interactions).toHaveLength(2);
    await w.finish();
    writeFileSync(join(storePath, 'ep', 'take-9.journal.jsonl'), `${JSON.stringify({ ...header, take: 9 })}\nnot json\n${line(1)}`);
    await expect((async () => await store.listTakes())()).rejects.toThrow(expect.objectContaining({ code: 'store_unreadable' }));
    await store.close();
  });

  it('breaks a stale lock left by a dead process', async () => {
    const storePath = join(tmp.path, 'stale-lock');
    mkdirSync(storePath);
    writeFileSync(join(storePath, '.lock'), `${deadPid()}\n`);
    const store = openDirectoryStore(storePath);
    const started = Date.now();
    const w = await store.beginTake('ep', 'live');
    await w.append(tinyInteraction('ep', 1));
    await w.finish();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(existsSync(join(storePath, '.lock'))).toBe(false);
    await store.close();
  });
});
