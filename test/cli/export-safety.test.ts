import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cassette, tempDir, writeStore } from './cli-helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

/** A store of one episode under the default path, as a new user has it after the first run. */
async function defaultStore(): Promise<string> {
  mkdirSync(join(tmp.dir, 'cassettes'));
  const store = join(tmp.dir, 'cassettes', 'cassettes.db');
  await writeStore(store, { hello: [[{ ask: 'hi' }]] });
  return store;
}

describe('cassette export DIR never deletes what it was not asked to replace', () => {
  it('refuses a project directory (export .) and leaves every file in place', async () => {
    const store = await defaultStore();
    writeFileSync(join(tmp.dir, 'index.ts'), 'export {};\n');
    mkdirSync(join(tmp.dir, '.git'));
    const r = await cassette(['export', '.'], tmp.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refusing to replace .');
    expect(existsSync(join(tmp.dir, 'index.ts'))).toBe(true);
    expect(existsSync(join(tmp.dir, '.git'))).toBe(true);
    expect(existsSync(store)).toBe(true);
  });

  it('never replaces the store it reads, not even with --force', async () => {
    const store = await defaultStore();
    for (const target of ['cassettes', 'cassettes/cassettes.db', '.']) {
      const r = await cassette(['export', target, '--force', '--json'], tmp.dir);
      expect(r.code, target).toBe(2);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'bad_usage' } });
      expect(readFileSync(store).length).toBeGreaterThan(0);
    }
    const dirStore = join(tmp.dir, 'dir-store');
    await writeStore(dirStore, { hello: [[{ ask: 'hi' }]] });
    for (const target of ['dir-store', 'dir-store/hello']) {
      const r = await cassette(['export', target, '--store', 'dir-store', '--force'], tmp.dir);
      expect(r.code, target).toBe(2);
    }
    expect(existsSync(join(dirStore, 'hello', 'take-1.json'))).toBe(true);
  });

  it('refuses a non-empty directory without the marker, replaces it with --force', async () => {
    await defaultStore();
    mkdirSync(join(tmp.dir, 'out'));
    writeFileSync(join(tmp.dir, 'out', 'notes.txt'), 'mine');
    const refused = await cassette(['export', 'out'], tmp.dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(join(tmp.dir, 'out', 'notes.txt'), 'utf8')).toBe('mine');
    const forced = await cassette(['export', 'out', '--force'], tmp.dir);
    expect(forced.code).toBe(0);
    expect(existsSync(join(tmp.dir, 'out', 'notes.txt'))).toBe(false);
    expect(existsSync(join(tmp.dir, 'out', 'hello', 'take-1.json'))).toBe(true);
  });

  it('replaces a previous export (its marker) and a new or empty directory without --force; talk goes to stderr', async () => {
    await defaultStore();
    const first = await cassette(['export', 'out'], tmp.dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('');
    expect(first.stderr).toMatch(/^exported 1 episodes, 1 takes, 1 interactions to /);
    expect(existsSync(join(tmp.dir, 'out', '.cassette-export'))).toBe(true);
    const again = await cassette(['export', 'out', '--json'], tmp.dir);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, episodes: 1, takes: 1, interactions: 1 });
    mkdirSync(join(tmp.dir, 'empty'));
    expect((await cassette(['export', 'empty'], tmp.dir)).code).toBe(0);
    // The marker does not disturb import or verify.
    const imported = await cassette(['import', 'out', '--store', 'copy.db'], tmp.dir);
    expect(imported.code).toBe(0);
    expect((await cassette(['verify', '--store', 'out'], tmp.dir)).code).toBe(0);
  });

  it('refuses a file in the way unless --force', async () => {
    await defaultStore();
    writeFileSync(join(tmp.dir, 'out'), 'a file');
    expect((await cassette(['export', 'out'], tmp.dir)).code).toBe(2);
    expect(readFileSync(join(tmp.dir, 'out'), 'utf8')).toBe('a file');
    expect((await cassette(['export', 'out', '--force'], tmp.dir)).code).toBe(0);
  });
});
