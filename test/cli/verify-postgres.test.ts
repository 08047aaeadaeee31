// `cassette verify` on a PostgreSQL store (docs/cli.md, verify): the tables are checked by SQL
// (src/store/postgres/postgres-integrity.ts) and every interaction is read and scanned. Each
// corruption is made by hand with SQL on a real database, as an operator or a bug would.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, type PgDatabase } from '../helpers/postgres.js';
import { cassette, tempDir, writeStore } from './cli-helpers.js';

const tmp = tempDir();
const databases: PgDatabase[] = [];
afterAll(async () => {
  tmp.cleanup();
  await Promise.all(databases.map((d) => d.drop()));
});

// Built at run time so no credential-shaped literal sits in the repository.
const KEY = ['sk', 'proj', 'Zq3vT9xLm2Wc8Rb1Yd4Kp7Hs0Nf6Ug5J'].join('-');

interface Finding {
  kind: string;
  where: string;
  message?: string;
  masked?: string;
}

async function sql(url: string, text: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

const bodyOf = async (url: string, episode: string, slot: number): Promise<string> =>
  (
    await sql(url, `SELECT i.body_hashes[$2] AS h FROM interactions i JOIN takes t ON t.id = i.take_id WHERE t.episode = $1`, [
      episode,
      slot,
    ])
  )[0]?.h as string;

describe('cassette verify on a PostgreSQL store', () => {
  it('is clean on a store written by the store itself, then reports each corruption made with SQL', async () => {
    const db = await freshDatabase();
    databases.push(db);
    await writeStore(db.url, {
      a: [[{ ask: 'question a', answer: 'answer a' }]],
      b: [[{ ask: 'question b', answer: 'answer b' }]],
    });
    const clean = await cassette(['verify', '--store', db.url, '--json'], tmp.dir);
    expect(clean.code, clean.stderr).toBe(0);
    expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true, findings: [] });

    // a: its answer body deleted. b: its request body's text changed under its hash, and its
    // take's next_position moved back. A take with no rows, a body nothing refers to, and a
    // credential in episode z, read after the broken one.
    const aAnswer = await bodyOf(db.url, 'a', 2);
    const bRequest = await bodyOf(db.url, 'b', 1);
    await sql(db.url, `DELETE FROM bodies WHERE hash = $1`, [aAnswer]);
    await sql(db.url, `UPDATE bodies SET data = replace(data, 'question b', 'question B') WHERE hash = $1`, [bRequest]);
    await sql(db.url, `UPDATE takes SET next_position = 1 WHERE episode = 'b'`);
    await sql(db.url, `INSERT INTO takes (episode, take, mode, created_at) VALUES ('empty', 1, 'live', '2026-01-01T00:00:00.000Z')`);
    await sql(db.url, `INSERT INTO bodies (hash, bytes, data) VALUES ($1, 2, '{}')`, [createHash('sha256').update('{}').digest('hex')]);
    await writeStore(db.url, { z: [[{ ask: `my key is ${KEY}` }]] });

    const r = await cassette(['verify', '--store', db.url, '--json'], tmp.dir);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).not.toContain(KEY);
    const doc = JSON.parse(r.stdout) as { ok: boolean; findings: Finding[] };
    expect(doc.ok).toBe(false);
    const integrity = doc.findings.filter((f) => f.kind === 'integrity');
    expect(integrity).toEqual([
      {
        kind: 'integrity',
        where: 'episode "a" take 1 step 1',
        message: `its answer body (body ${aAnswer}) is missing from the bodies table`,
      },
      {
        kind: 'integrity',
        where: `body ${bRequest}`,
        message: expect.stringMatching(/^its text has SHA-256 [0-9a-f]{64}, not the hash it is stored under/) as unknown as string,
      },
      {
        kind: 'integrity',
        where: 'episode "empty" take 1',
        message: expect.stringContaining('the take has no interactions') as unknown as string,
      },
      {
        kind: 'integrity',
        where: 'episode "b" take 1',
        message: 'next_position 1 is not past the last position 1: the next writer would reuse a position',
      },
      {
        kind: 'integrity',
        where: expect.stringContaining('table bodies') as unknown as string,
        message: expect.stringMatching(/^1 bodies \(2 bytes\) are referred to by no interaction/) as unknown as string,
      },
    ]);
    // The unreadable episode did not stop the reading: z's key is found, masked.
    expect(doc.findings.filter((f) => f.kind === 'credential').map((f) => f.where)).toEqual([
      'episode "z" take 1 step 1 at request.body.json.messages[1].content',
    ]);
    const human = await cassette(['verify', '--store', db.url], tmp.dir);
    expect(human.code).toBe(1);
    expect(human.stderr).toContain('1 credential finding, 5 integrity findings');
    expect(`${human.stdout}${human.stderr}`).not.toContain(db.password);
  }, 60_000);
});
