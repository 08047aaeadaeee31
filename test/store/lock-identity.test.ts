// Directory-store locks and journals across processes, containers and restarts (issue 13 items
// 11, 12, 13): waiting for a lock never freezes the event loop; a stale lock holding our own pid
// (node as PID 1 in a restarted container) is broken; a writer in another pid namespace (another
// container on the same volume, where PID 1 is someone else) is never taken for dead.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDirectoryStore } from '../../src/store/directory-store.js';
import { SELF } from '../../src/store/process-identity.js';
import { assertFreshBuild, finished, printed, writeScript } from './child-process.js';
import { tempDir, tinyInteraction } from './fixtures.js';

let tmp: ReturnType<typeof tempDir>;
beforeAll(() => {
  tmp = tempDir('cassette-lock-');
});
afterAll(() => tmp?.remove());

/** A lock file as this version writes it, for a writer with the given identity. */
function lockText(identity: Record<string, unknown> & { pid: number }): string {
  return `${identity.pid} ${JSON.stringify(identity)}\n`;
}

describe('waiting for the directory lock (item 11)', () => {
  it('does not block the event loop while another live process holds the lock', async () => {
    const storePath = join(tmp.path, 'async-wait');
    mkdirSync(storePath);
    const lock = join(storePath, '.lock');
    writeFileSync(lock, `${process.ppid}\n`); // a live process that is not us
    const store = openDirectoryStore(storePath);
    let last = performance.now();
    let worstGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 10);
    setTimeout(() => rmSync(lock), 800);
    const started = performance.now();
    const w = await store.beginTake('ep', 'live');
    await w.append(tinyInteraction('ep', 1));
    clearInterval(ticker);
    expect(performance.now() - started).toBeGreaterThanOrEqual(700); // it did wait for the lock
    expect(worstGap).toBeLessThan(200);
    await w.finish();
    expect((await store.loadEpisode('ep'))?.interactions).toHaveLength(1);
    await store.close();
  });
});

describe('a stale lock holding our own pid (item 12)', () => {
  it('is broken at once when it was written by an earlier process with our pid (PID 1 restarted)', async () => {
    const storePath = join(tmp.path, 'own-pid');
    mkdirSync(storePath);
    expect(SELF.start).toBeDefined(); // Linux: /proc/self/stat
    writeFileSync(join(storePath, '.lock'), lockText({ ...SELF, start: `${Number(SELF.start) - 1000}` }));
    const store = openDirectoryStore(storePath);
    const started = Date.now();
    const w = await store.beginTake('ep', 'live');
    await w.append(tinyInteraction('ep', 1));
    await w.finish();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(existsSync(join(storePath, '.lock'))).toBe(false);
    await store.close();
  });

  it('writes host, pid namespace and start time into the lock and the journal', async () => {
    const storePath = join(tmp.path, 'identity');
    const store = openDirectoryStore(storePath);
    const w = await store.beginTake('ep', 'live');
    await w.append(tinyInteraction('ep', 1));
    const head = JSON.parse(readFileSync(join(storePath, 'ep', 'take-1.journal.jsonl'), 'utf8').split('\n')[0] as string);
    expect(head).toMatchObject({ pid: process.pid, host: hostname(), pidns: SELF.pidns, start: SELF.start });
    await w.finish();
    await store.close();
  });
});

describe('writers in another pid namespace (item 13)', () => {
  it('never folds the journal of a writer whose pid is ours in another namespace', async () => {
    const storePath = join(tmp.path, 'foreign-journal');
    mkdirSync(join(storePath, 'ep'), { recursive: true });
    // Another container on the same volume: node is PID 1 there too, so its pid may equal ours.
    const foreign = { pid: process.pid, host: SELF.host, pidns: 'pid:[1]', start: '5' };
    const header = {
      type: 'take',
      episode: 'ep',
      take: 1,
      mode: 'record-missing',
      createdAt: '2025-01-01T00:00:00.000Z',
      ...foreign,
      thread: 0,
    };
    const line = `${JSON.stringify({ type: 'interaction', interaction: { ...tinyInteraction('ep', 1, 'them'), take: 1 } })}\n`;
    const journal = join(storePath, 'ep', 'take-1.journal.jsonl');
    writeFileSync(journal, `${JSON.stringify(header)}\n${line}`);
    const store = openDirectoryStore(storePath);
    const w = await store.beginTake('ep', 'live');
    await w.append(tinyInteraction('ep', 1, 'us'));
    await w.finish();
    expect(await w.take()).toBe(2);
    expect(existsSync(journal)).toBe(true); // not folded: its writer may still append
    await expect(store.continueTake('ep', 'record-missing')).resolves.toBeDefined();
    await store.close();
  });

  it('does not break a lock held by a writer in another namespace, and says who holds it', async () => {
    const storePath = join(tmp.path, 'foreign-lock');
    mkdirSync(storePath);
    writeFileSync(join(storePath, '.lock'), lockText({ pid: process.pid, host: 'other-container', pidns: 'pid:[1]', start: '5' }));
    const store = openDirectoryStore(storePath);
    const w = await store.beginTake('ep', 'live');
    await expect(w.append(tinyInteraction('ep', 1))).rejects.toThrow(/another host or in another pid namespace/);
    expect(existsSync(join(storePath, '.lock'))).toBe(true);
    await store.close();
  }, 20_000);

  const canUnshare = spawnSync('unshare', ['-pf', 'true']).status === 0;
  it.runIf(canUnshare)(
    'two real writers, each PID 1 in its own pid namespace, lose nothing',
    async () => {
      assertFreshBuild();
      const script = writeScript(
        tmp.path,
        'ns-writer.mjs',
        `const [storePath, tag, count, goFile] = process.argv.slice(2);
const store = await openStore(storePath);
const w = await store.beginTake('ep', 'live');
await w.append(interaction('ep', tag, 0, w.nextPosition()));
process.stdout.write('pid ' + process.pid + ' appended\\n');
while (goFile && !existsSync(goFile)) await new Promise((r) => setTimeout(r, 5));
for (let k = 1; k <= Number(count); k++) await w.append(interaction('ep', tag, k, w.nextPosition()));
await w.finish();
await store.close();
process.stdout.write('done\\n');
`,
      );
      const storePath = join(tmp.path, 'two-namespaces');
      const go = join(tmp.path, 'go-ns');
      const first = spawn('unshare', ['-pf', process.execPath, script, storePath, 'a', '5', go], { stdio: ['ignore', 'pipe', 'pipe'] });
      const firstDone = finished(first);
      await printed(first, 'appended');
      const second = spawn('unshare', ['-pf', process.execPath, script, storePath, 'b', '5', ''], { stdio: ['ignore', 'pipe', 'pipe'] });
      const secondResult = await finished(second);
      expect(secondResult.stdout).toContain('pid 1 appended'); // both are PID 1
      writeFileSync(go, '');
      const firstResult = await firstDone;
      expect(firstResult.code, firstResult.stderr).toBe(0);
      expect(secondResult.code, secondResult.stderr).toBe(0);
      const store = openDirectoryStore(storePath, { readonly: true });
      const takes = await store.listTakes('ep');
      expect(takes.map((t) => t.interactions).sort()).toEqual([6, 6]);
      await store.close();
    },
    30_000,
  );
});
