// Stores written before episode summaries or the full-text index existed: the migrations that add
// `take_summaries` and `take_words` fill them from the takes already there (SQLite and PostgreSQL),
// and a SQLite file of an old schema opened read-only (never migrated) is summed up in memory with
// the same answer.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite-migrations.js';
import type { Store } from '../../src/store/store.js';
import { freshDatabase, type PgDatabase } from '../helpers/postgres.js';
import { tempDir, tinyInteraction } from './fixtures.js';

const tmp = tempDir('cassette-summary-migration-');
const databases: PgDatabase[] = [];
afterAll(async () => {
  tmp.remove();
  await Promise.all(databases.map((d) => d.drop()));
});

/** SQL that takes a SQLite store of the current schema back to schema 3 (before summaries) or 4 (before take_words). */
const DOWNGRADE_SQLITE = {
  3: 'DROP TRIGGER take_words_gone; DROP TRIGGER take_words_take_gone; DROP TABLE take_words; DROP TABLE take_summaries;',
  4: 'DROP TRIGGER take_words_gone; DROP TRIGGER take_words_take_gone; DROP TABLE take_words; CREATE TABLE take_search (take_id INTEGER PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE, search TEXT NOT NULL);',
};
const DOWNGRADE_POSTGRES = 'DROP TABLE take_words; DROP TABLE take_summaries; UPDATE cassette_schema SET version = 1';

async function fill(store: Store): Promise<void> {
  for (const [episode, model, prompt] of [
    ['one', 'gpt-4o', `${'the plan '.repeat(600)}Zanzibar`],
    ['two', 'o3-mini', 'a mail'],
  ] as const) {
    const w = await store.beginTake(episode, 'live');
    for (let n = 0; n < 3; n++) {
      const i = tinyInteraction(episode, w.nextPosition());
      await w.append({
        ...i,
        request: { ...i.request, body: { kind: 'json', json: { model, messages: [{ role: 'user', content: prompt }] } } },
        costUsd: 0.5,
      });
    }
    await w.finish();
  }
}

describe('episode summaries of a store from before them', () => {
  it('SQLite: read-only, the old file is summed up in memory; the first writable open fills the tables', async () => {
    const path = join(tmp.path, 'old.db');
    const store = await openStore(path);
    await fill(store);
    const expected = await store.summarizeEpisodes({ sort: 'episode' });
    await store.close();
    expect(expected.items.map((s) => [s.episode, s.calls, s.costUsd, s.models])).toEqual([
      ['one', 3, 1.5, ['gpt-4o']],
      ['two', 3, 1.5, ['o3-mini']],
    ]);
    const db = new Database(path);
    db.exec(DOWNGRADE_SQLITE[3]);
    db.pragma('user_version = 3');
    db.close();

    const readonly = await openStore(path, { readonly: true });
    expect(await readonly.summarizeEpisodes({ sort: 'episode' })).toEqual(expected);
    expect((await readonly.summarizeEpisodes({ q: 'zanzibar' })).items.map((s) => s.episode)).toEqual(['one']);
    await readonly.close();

    const migrated = await openStore(path);
    expect(await migrated.summarizeEpisodes({ sort: 'episode' })).toEqual(expected);
    expect((await migrated.summarizeEpisodes({ q: 'zanzibar' })).items.map((s) => s.episode)).toEqual(['one']);
    await migrated.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT COUNT(*) AS n FROM take_summaries').get()).toEqual({ n: 2 });
    check.close();
  });

  it('SQLite: a schema 4 file (search text cut at 4,000 characters) is searched in memory read-only, and indexed whole by the first writable open', async () => {
    const path = join(tmp.path, 'v4.db');
    const store = await openStore(path);
    await fill(store);
    const expected = await store.summarizeEpisodes({ sort: 'episode' });
    await store.close();
    const db = new Database(path);
    db.exec(DOWNGRADE_SQLITE[4]);
    db.pragma('user_version = 4');
    db.close();

    const readonly = await openStore(path, { readonly: true });
    expect((await readonly.summarizeEpisodes({ q: 'zanzibar' })).items.map((s) => s.episode)).toEqual(['one']);
    await readonly.close();
    const migrated = await openStore(path);
    expect(await migrated.summarizeEpisodes({ sort: 'episode' })).toEqual(expected);
    // "Zanzibar" sits after 5,400 characters of the prompt: the old table never held it.
    expect((await migrated.summarizeEpisodes({ q: 'zanzibar plan' })).items.map((s) => s.episode)).toEqual(['one']);
    await migrated.close();
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
    expect(check.prepare(`SELECT COUNT(*) AS n FROM take_words WHERE take_words MATCH '"zanzibar"'`).get()).toEqual({ n: 1 });
    check.close();
  });

  it('PostgreSQL: the migration fills the tables from the takes already stored', async () => {
    const db = await freshDatabase();
    databases.push(db);
    const store = await openStore(db.url);
    await fill(store);
    const expected = await store.summarizeEpisodes({ sort: 'episode' });
    await store.close();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(DOWNGRADE_POSTGRES);
    await client.end();

    const migrated = await openStore(db.url);
    expect(await migrated.summarizeEpisodes({ sort: 'episode' })).toEqual(expected);
    expect((await migrated.summarizeEpisodes({ q: 'zanzibar' })).items.map((s) => s.episode)).toEqual(['one']);
    await migrated.close();
  });

  it('PostgreSQL: a read-only opener (golden, ls) migrates an older schema, and says so when its role cannot', async () => {
    const db = await freshDatabase();
    databases.push(db);
    const store = await openStore(db.url);
    await fill(store);
    const expected = await store.summarizeEpisodes({ sort: 'episode' });
    await store.close();
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(DOWNGRADE_POSTGRES);
    // A role that may read every table but create none.
    const role = `cassette_reader_${process.pid}`;
    await client.query(`CREATE ROLE ${role} LOGIN PASSWORD 'reader-pw'`);
    await client.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
    const readerUrl = new URL(db.url);
    readerUrl.username = role;
    readerUrl.password = 'reader-pw';
    const refused = await openStore(readerUrl.toString(), { readonly: true }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toMatchObject({ code: 'store_unreadable', message: expect.stringContaining('older llm-cassette schema (1 of') });
    expect(String((refused as Error).message)).not.toContain('reader-pw');

    const readonly = await openStore(db.url, { readonly: true });
    expect(await readonly.summarizeEpisodes({ sort: 'episode' })).toEqual(expected);
    await readonly.close();
    await client.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    await client.end();
  });
});
