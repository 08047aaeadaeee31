// Another process holding SQLite's write lock must not freeze the proxy (issue 13 item 11): the
// proxy's writes wait for it asynchronously, so health checks and replays keep answering at once,
// and the recording lands once the lock is free. (With a synchronous busy_timeout, every request
// waited as long as the other process held the lock.)
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { defer, tempDir, useCleanup } from '../helpers/cleanup.js';
import { REPO_DIR } from '../helpers/proxy.js';
import { call, chatRequestBody, expectedAnswer, spawnProxy, sqliteRows, startLlmUpstream } from './harness.js';

useCleanup();

const CHAT = '/openai/v1/chat/completions';
const HOLD_MS = 2_000;

/** Starts a process that takes the store's write lock (BEGIN IMMEDIATE), holds it `ms`, commits and exits. */
async function holdWriteLock(path: string, ms: number): Promise<{ exited: Promise<number | null> }> {
  const script = `import Database from 'better-sqlite3';
const db = new Database(process.argv[1]);
db.exec('BEGIN IMMEDIATE');
console.log('locked');
setTimeout(() => { db.exec('COMMIT'); db.close(); }, ${ms});`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, path], {
    cwd: REPO_DIR,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  defer(() => void (child.exitCode === null && child.kill('SIGKILL')));
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    void exited.then((code) => reject(new Error(`the lock holder exited (${code}) before locking`)));
  });
  return { exited };
}

describe('a second process holding the SQLite write lock (item 11)', () => {
  it('while the proxy records: health and hits answer within a few hundred ms, the recordings land after', async () => {
    const upstream = await startLlmUpstream();
    const storePath = join(tempDir('cassette-busy-'), 'store.db');
    const proxy = await spawnProxy(['--mode', 'record-missing', '--store', storePath, '--upstream', `openai=${upstream.url}`]);
    const ep = { 'x-cassette-episode': 'ep' };
    // Something to hit, and a store with its tables.
    expect((await call(proxy.url, CHAT, { body: chatRequestBody('warm', false), headers: ep })).status).toBe(200);

    const holder = await holdWriteLock(storePath, HOLD_MS);
    const lockedAt = performance.now();
    // Recordings that must wait for the lock: one in the open take, one opening a new episode's take.
    const recording = [
      call(proxy.url, CHAT, { body: chatRequestBody('during-1', false), headers: ep }),
      call(proxy.url, CHAT, { body: chatRequestBody('during-2', true), headers: { 'x-cassette-episode': 'ep2' } }),
    ];
    let worstHealth = 0;
    let worstHit = 0;
    let probes = 0;
    while (performance.now() - lockedAt < HOLD_MS - 300) {
      let t = performance.now();
      const health = await call(proxy.url, '/__cassette/health', { timeoutMs: 5_000 });
      worstHealth = Math.max(worstHealth, performance.now() - t);
      expect(health.status).toBe(200);
      t = performance.now();
      const hit = await call(proxy.url, CHAT, { body: chatRequestBody('warm', false), headers: ep, timeoutMs: 5_000 });
      worstHit = Math.max(worstHit, performance.now() - t);
      expect(hit.headers['x-cassette-outcome']).toBe('hit');
      probes++;
      await sleep(50);
    }
    // About 100 ms on an idle machine; the bound leaves room for a shared CI box and is still far
    // below the 2 s a blocked event loop gives.
    expect(worstHealth).toBeLessThan(500);
    expect(worstHit).toBeLessThan(500);
    expect(probes).toBeGreaterThan(3);

    const [one, two] = await Promise.all(recording);
    expect(await holder.exited).toBe(0);
    expect(one?.status).toBe(200);
    expect(one?.body.toString('utf8')).toBe(expectedAnswer('during-1', false));
    expect(two?.status).toBe(200);
    expect(two?.body.toString('utf8')).toBe(expectedAnswer('during-2', true));
    expect((await proxy.stop()).code).toBe(0);
    await upstream.stop();
    const stored = sqliteRows(storePath).map((r) => `${r.episode}:${r.position}`);
    expect(stored).toEqual(['ep:1', 'ep:2', 'ep2:1']);
  }, 30_000);
});
