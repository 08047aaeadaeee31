// The config file's `store` (docs/stores.md, "How a store is selected") is read by every command
// that opens a store, not only by the proxy: `--store`, else CASSETTE_STORE, else the config file
// (`--config`, else cassette.config.json in the working directory), else the default. Real CLI
// processes on real SQLite stores and a real PostgreSQL database.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, type PgDatabase } from '../helpers/postgres.js';
import { cassette, tempDir, writeStore } from './cli-helpers.js';

const dirs: (() => void)[] = [];
const databases: PgDatabase[] = [];
afterAll(async () => {
  for (const cleanup of dirs) cleanup();
  await Promise.all(databases.map((d) => d.drop()));
});

function workDir(): string {
  const { dir, cleanup } = tempDir();
  dirs.push(cleanup);
  return dir;
}

const episodesOf = (stdout: string): string[] => (JSON.parse(stdout) as { episodes: { episode: string }[] }).episodes.map((e) => e.episode);

describe('config `store` in the store-keeping commands', () => {
  it('ls, stats, show, verify, pin, diff, rm read the SQLite store the config file names; env and flag win over it', async () => {
    const cwd = workDir();
    await writeStore(join(cwd, 'configured.db'), { 'from-config': [[{ ask: 'a' }], [{ ask: 'b' }]] });
    await writeStore(join(cwd, 'env.db'), { 'from-env': [[{}]] });
    await writeStore(join(cwd, 'flag.db'), { 'from-flag': [[{}]] });
    writeFileSync(join(cwd, 'cassette.config.json'), JSON.stringify({ store: 'configured.db' }));
    writeFileSync(join(cwd, 'alt.json'), JSON.stringify({ store: 'env.db' }));

    const ls = await cassette(['ls', '--json'], cwd);
    expect(ls.code, ls.stderr).toBe(0);
    expect(JSON.parse(ls.stdout).store).toBe('configured.db');
    expect(episodesOf(ls.stdout)).toEqual(['from-config']);
    const stats = await cassette(['stats', '--json'], cwd);
    expect(stats.code, stats.stderr).toBe(0);
    expect(episodesOf(stats.stdout)).toEqual(['from-config']);
    for (const args of [['show', 'from-config'], ['verify'], ['diff', 'from-config'], ['pin', 'from-config', '--lock', 'pins.lock']]) {
      const r = await cassette(args, cwd);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    // Nothing fell back to the default store.
    expect(existsSync(join(cwd, 'cassettes'))).toBe(false);

    // --config names another file; CASSETTE_STORE beats the file; --store beats both.
    expect(episodesOf((await cassette(['ls', '--json', '--config', 'alt.json'], cwd)).stdout)).toEqual(['from-env']);
    expect(episodesOf((await cassette(['ls', '--json'], cwd, { CASSETTE_STORE: 'env.db' })).stdout)).toEqual(['from-env']);
    expect(episodesOf((await cassette(['ls', '--json', '--store', 'flag.db'], cwd, { CASSETTE_STORE: 'env.db' })).stdout)).toEqual([
      'from-flag',
    ]);

    const rm = await cassette(['rm', 'from-config', '--json'], cwd);
    expect(rm.code, rm.stderr).toBe(0);
    expect(episodesOf((await cassette(['ls', '--json', '--store', 'configured.db'], cwd)).stdout)).toEqual([]);
  }, 60_000);

  it('a bad config file fails a store-keeping command as it fails the proxy', async () => {
    const cwd = workDir();
    writeFileSync(join(cwd, 'cassette.config.json'), JSON.stringify({ store: 42 }));
    const ls = await cassette(['ls'], cwd);
    expect(ls.code).toBe(2);
    expect(ls.stderr).toContain('store');
  });

  it('a PostgreSQL URL in the config file: ls, stats, show and rm use it and never print its password', async () => {
    const db = await freshDatabase();
    databases.push(db);
    const cwd = workDir();
    await writeStore(db.url, { 'pg-episode': [[{ ask: 'hello' }]], other: [[{}]] });
    writeFileSync(join(cwd, 'cassette.config.json'), JSON.stringify({ store: db.url }));
    const printable = db.url.replace(`:${db.password}@`, '@');
    const outputs: string[] = [];
    const ls = await cassette(['ls', '--json'], cwd);
    outputs.push(ls.stdout, ls.stderr);
    expect(ls.code, ls.stderr).toBe(0);
    expect(JSON.parse(ls.stdout).store).toBe(printable);
    expect(episodesOf(ls.stdout)).toEqual(['other', 'pg-episode']);
    for (const args of [['stats'], ['show', 'pg-episode'], ['verify'], ['rm', 'other']]) {
      const r = await cassette(args, cwd);
      outputs.push(r.stdout, r.stderr);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    expect(episodesOf((await cassette(['ls', '--json'], cwd)).stdout)).toEqual(['pg-episode']);
    for (const out of outputs) expect(out).not.toContain(db.password);
    expect(existsSync(join(cwd, 'cassettes'))).toBe(false);
  }, 60_000);
});
