import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDirectoryStore } from '../../src/store/directory-store.js';
import { assertFreshBuild, finished, printed, startChild, writeScript } from './child-process.js';
import { tempDir, tinyInteraction } from './fixtures.js';

let tmp: ReturnType<typeof tempDir>;
let crasher: string;
beforeAll(() => {
  assertFreshBuild();
  tmp = tempDir('cassette-mp-');
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
