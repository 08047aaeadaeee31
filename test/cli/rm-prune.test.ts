import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { cassette, tempDir, writeStore } from './cli-helpers.js';

const tmp = tempDir();
let store: string;
let n = 0;

// Each test gets a fresh store: rm and prune change it.
beforeEach(async () => {
  store = join(tmp.dir, `store-${++n}.db`);
  await writeStore(store, {
    alpha: [[{}, {}], [{}], [{}, {}, {}]],
    beta: [[{}], [{}]],
  });
});
afterAll(() => tmp.cleanup());

const episodesOf = async (): Promise<unknown[]> =>
  (JSON.parse((await cassette(['ls', '--json', '--store', store], tmp.dir)).stdout).episodes as { episode: string }[]).map(
    (r) => r.episode,
  );

/** Backdates a take, as if it had been recorded `days` ago. */
function backdate(episode: string, take: number, days: number): void {
  const db = new Database(store);
  db.prepare('UPDATE takes SET created_at = ? WHERE episode = ? AND take = ?').run(
    new Date(Date.now() - days * 86_400_000).toISOString(),
    episode,
    take,
  );
  db.close();
}

describe('cassette rm', () => {
  it('removes an episode with all its takes and says how many interactions went', async () => {
    const r = await cassette(['rm', 'alpha', '--store', store], tmp.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe('removed 1 episode (6 interactions)');
    expect(await episodesOf()).toEqual(['beta']);
  });

  it('reports with --json', async () => {
    const r = await cassette(['rm', 'alpha', 'beta', '--json', '--store', store], tmp.dir);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, episodes: ['alpha', 'beta'], interactions: 8 });
  });

  it('removes nothing when one id is unknown, and names it', async () => {
    const r = await cassette(['rm', 'alpha', 'gamma', '--store', store], tmp.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no episode "gamma"');
    expect(r.stderr).toContain('Known episodes: "alpha", "beta"');
    expect(await episodesOf()).toEqual(['alpha', 'beta']);
  });

  it('exits 3 and creates no store when the path is wrong', async () => {
    const missing = join(tmp.dir, 'typo.db');
    const r = await cassette(['rm', 'alpha', '--store', missing], tmp.dir);
    expect(r.code).toBe(3);
    expect(existsSync(missing)).toBe(false);
  });
});

describe('cassette prune', () => {
  it('lists what --keep-takes would remove with --dry-run and removes nothing', async () => {
    const r = await cassette(['prune', '--keep-takes', '1', '--dry-run', '--json', '--store', store], tmp.dir);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: true, dryRun: true, interactions: 4 });
    expect(doc.takes.map((t: { episode: string; take: number }) => `${t.episode}/${t.take}`)).toEqual(['alpha/1', 'alpha/2', 'beta/1']);
    expect(r.stderr).toContain('would remove 3 takes (4 interactions)');
    const ls = JSON.parse((await cassette(['ls', '--json', '--store', store], tmp.dir)).stdout).episodes;
    expect(ls.map((e: { takes: number }) => e.takes)).toEqual([3, 2]);
  });

  it('keeps the N newest takes of each episode', async () => {
    const r = await cassette(['prune', '--keep-takes', '2', '--store', store], tmp.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^EPISODE\s+TAKE\s+CALLS\s+CREATED\nalpha\s+1\s+2\s+\S+\n$/);
    expect(r.stderr.trim()).toBe('removed 1 take (2 interactions)');
    const ls = JSON.parse((await cassette(['ls', '--json', '--store', store], tmp.dir)).stdout).episodes;
    expect(ls).toMatchObject([
      { episode: 'alpha', takes: 2, take: 3, calls: 3 },
      { episode: 'beta', takes: 2 },
    ]);
  });

  it('removes takes older than a duration but never the newest take of an episode', async () => {
    backdate('alpha', 1, 40);
    backdate('alpha', 2, 20);
    backdate('beta', 1, 90);
    backdate('beta', 2, 60);
    const r = await cassette(['prune', '--older-than', '30d', '--json', '--store', store], tmp.dir);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.takes.map((t: { episode: string; take: number }) => `${t.episode}/${t.take}`)).toEqual(['alpha/1', 'beta/1']);
    expect(doc.interactions).toBe(3);
  });

  it('with both rules, removes a take only when both say so, and only in --episode', async () => {
    backdate('alpha', 1, 40);
    backdate('alpha', 2, 40);
    backdate('beta', 1, 40);
    const r = await cassette(
      ['prune', '--older-than', '2w', '--keep-takes', '2', '--episode', 'alpha', '--json', '--store', store],
      tmp.dir,
    );
    expect(JSON.parse(r.stdout).takes).toMatchObject([{ episode: 'alpha', take: 1 }]);
  });

  it('exits 2 on a malformed duration or no rule, 1 on an unknown --episode', async () => {
    const bad = await cassette(['prune', '--older-than', '30 days', '--store', store], tmp.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--older-than expects a duration such as 30d');
    const none = await cassette(['prune', '--store', store], tmp.dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('prune needs --keep-takes N, --older-than DURATION or --unused-since DURATION');
    const unknown = await cassette(['prune', '--keep-takes', '1', '--episode', 'gamma', '--store', store], tmp.dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no episode "gamma"');
  });
});
