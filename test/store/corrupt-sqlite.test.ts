// Issue 14 item 6: a partly damaged SQLite store. Every reader stops with store_corrupt naming the
// file and the way out (no stack trace); verify lists what is unreadable; `cassette salvage`
// copies every readable take into a new store, lists what was lost and never touches the original.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cassette, tempDir, writeStore } from '../cli/cli-helpers.js';
import { startProxy } from '../helpers/proxy.js';
import { storedInteractions } from '../helpers/stored-interactions.js';

const EPISODES = 12;
/** Each test runs the CLI a few times; under a loaded CI machine one run takes seconds. */
const SLOW = 180_000;
let tmp: ReturnType<typeof tempDir>;
let good: string;

beforeAll(async () => {
  tmp = tempDir();
  good = join(tmp.dir, 'good.db');
  // Two takes per episode, answers of a few KB: the rows spread over many pages, some with overflow pages.
  const episodes: Record<string, { answer: string }[][]> = {};
  for (let e = 0; e < EPISODES; e++) {
    episodes[`ep-${e}`] = [[{ answer: 'a'.repeat(3000) }, { answer: 'b'.repeat(1500) }], [{ answer: `c${e}`.repeat(200) }]];
  }
  await writeStore(good, episodes);
});
afterAll(() => tmp.cleanup());

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

/** A copy of the good store, damaged by `damage`. */
function damaged(name: string, damage: (file: string) => void): string {
  const file = join(tmp.dir, name);
  copyFileSync(good, file);
  damage(file);
  return file;
}

/** Overwrites pages `pages` (4 KiB each) with bytes of a seeded generator: the same damage every run. */
function garbagePages(file: string, pages: readonly number[], seed: number): void {
  const bytes = readFileSync(file);
  let x = seed;
  for (const p of pages) {
    for (let k = 0; k < 4096; k++) {
      x = (x * 1103515245 + 12345) >>> 0;
      bytes[p * 4096 + k] = x >>> 24;
    }
  }
  writeFileSync(file, bytes);
}

/** Replaces the JSON of the served take's interaction of `episode` with a cut-off prefix of it. */
function breakRowJson(file: string, episode: string): number {
  const db = new Database(file);
  try {
    const row = db
      .prepare(`SELECT i.id FROM interactions i JOIN takes t ON t.id = i.take_id WHERE t.episode = ? AND t.take = 2`)
      .get(episode) as { id: number };
    db.prepare(`UPDATE interactions SET data = substr(data, 1, 40) WHERE id = ?`).run(row.id);
    return row.id;
  } finally {
    db.close();
  }
}

async function expectCorrupt(args: string[], file: string, what?: RegExp): Promise<void> {
  const r = await cassette([...args, '--store', file, '--json'], tmp.dir);
  expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(3);
  const doc = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; message: string; hint: string } };
  expect(doc.ok).toBe(false);
  expect(doc.error.code).toBe('store_corrupt');
  expect(doc.error.message).toContain(file);
  if (what) expect(doc.error.message).toMatch(what);
  expect(doc.error.hint).toContain(`cassette salvage RESCUED.db --store ${file}`);
  const human = await cassette([...args, '--store', file], tmp.dir);
  expect(human.code).toBe(3);
  expect(human.stderr).toContain('is damaged');
  expect(human.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('a SQLite store with one row whose JSON is cut off', () => {
  it(
    'ls, show, stats and export say store_corrupt, naming the file, the episode and the take',
    async () => {
      const file = damaged('row.db', (f) => breakRowJson(f, 'ep-3'));
      const where = /episode "ep-3" take 2 is not valid JSON/;
      for (const args of [['ls'], ['show', 'ep-3'], ['stats'], ['export', join(tmp.dir, 'out-row')]])
        await expectCorrupt(args, file, where);
      // An episode that is intact still shows.
      expect((await cassette(['show', 'ep-4', '--store', file], tmp.dir)).code).toBe(0);
    },
    SLOW,
  );

  it(
    'ls lists every episode that can still be read, names the one that cannot, and exits 3 with store_corrupt',
    async () => {
      const file = damaged('row-ls.db', (f) => breakRowJson(f, 'ep-5'));
      const [json, human] = await Promise.all([
        cassette(['ls', '--json', '--store', file], tmp.dir),
        cassette(['ls', '--store', file], tmp.dir),
      ]);
      expect(json.code, json.stderr).toBe(3);
      const doc = JSON.parse(json.stdout) as {
        ok: boolean;
        error: { code: string };
        unreadable: string[];
        episodes: { episode: string }[];
      };
      expect(doc.ok).toBe(false);
      expect(doc.error.code).toBe('store_corrupt');
      expect(doc.unreadable).toEqual(['ep-5']);
      expect(doc.episodes.map((e) => e.episode).sort()).toEqual(
        Array.from({ length: EPISODES }, (_, e) => `ep-${e}`)
          .filter((e) => e !== 'ep-5')
          .sort(),
      );
      expect(human.code).toBe(3);
      expect(human.stdout).toMatch(/^ep-4\s+2\s+2\s+1\s/m);
      expect(human.stdout).not.toContain('ep-5');
      expect(human.stderr).toContain('1 episode could not be read and is not in the table: ep-5');
      expect(human.stderr).not.toMatch(/\n\s+at /);
    },
    SLOW,
  );

  it(
    'stats shows every episode that can still be read, names the one that cannot, and exits 3 with store_corrupt',
    async () => {
      const file = damaged('row-stats.db', (f) => breakRowJson(f, 'ep-7'));
      const [json, human] = await Promise.all([
        cassette(['stats', '--json', '--store', file], tmp.dir),
        cassette(['stats', '--store', file], tmp.dir),
      ]);
      expect(json.code, json.stderr).toBe(3);
      const doc = JSON.parse(json.stdout) as {
        ok: boolean;
        error: { code: string };
        unreadable: string[];
        episodes: { episode: string; calls: number }[];
        totals: { calls: number };
      };
      expect(doc.ok).toBe(false);
      expect(doc.error.code).toBe('store_corrupt');
      expect(doc.unreadable).toEqual(['ep-7']);
      expect(doc.episodes.map((e) => e.episode)).toEqual(
        Array.from({ length: EPISODES }, (_, e) => `ep-${e}`)
          .filter((e) => e !== 'ep-7')
          .sort(),
      );
      expect(doc.totals.calls).toBe(EPISODES - 1);
      expect(human.code).toBe(3);
      expect(human.stdout).toMatch(/^ep-4\s+2\s+1\s/m);
      expect(human.stdout).not.toContain('ep-7');
      expect(human.stderr).toContain('1 episode could not be read and is not in the table: ep-7');
      expect(human.stderr).toContain('is damaged');
      expect(human.stderr).not.toMatch(/\n\s+at /);
    },
    SLOW,
  );

  it(
    'golden answers the damaged episode with a provider-shaped store_corrupt error, not a crash',
    async () => {
      const file = damaged('row-golden.db', (f) => breakRowJson(f, 'ep-5'));
      const proxy = await startProxy({ mode: 'golden', store: file, episode: 'ep-5' });
      try {
        const res = await fetch(`${proxy.url}/openai/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'question 1' }] }),
        });
        expect(res.status).toBe(500);
        expect(res.headers.get('x-cassette-error')).toBe('store_corrupt');
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('store_corrupt');
        expect(body.error.message).toContain('episode "ep-5" take 2');
      } finally {
        await proxy.stop();
      }
    },
    SLOW,
  );

  it(
    'verify lists the row as an integrity finding (exit 1); salvage copies everything else and names the lost step',
    async () => {
      const file = damaged('row-salvage.db', (f) => breakRowJson(f, 'ep-7'));
      const before = sha(file);
      const verify = await cassette(['verify', '--store', file, '--json'], tmp.dir);
      expect(verify.code).toBe(1);
      const findings = (JSON.parse(verify.stdout) as { findings: { kind: string; where: string; message: string }[] }).findings;
      expect(findings.some((f) => f.kind === 'integrity' && f.where.includes('episode "ep-7" take 2 step 1'))).toBe(true);

      const out = join(tmp.dir, 'rescued-row.db');
      const r = await cassette(['salvage', out, '--store', file, '--json'], tmp.dir);
      expect(r.code, r.stderr).toBe(1); // something was lost
      const doc = JSON.parse(r.stdout) as {
        ok: boolean;
        copied: { takes: number; interactions: number };
        lost: { where: string; reason: string }[];
      };
      expect(doc.ok).toBe(false);
      expect(doc.lost).toEqual([{ where: 'episode "ep-7" take 2 step 1', reason: expect.stringContaining('JSON does not parse') }]);
      expect(doc.copied).toMatchObject({ takes: EPISODES * 2, interactions: EPISODES * 3 - 1 });
      expect(sha(file)).toBe(before);
      // The rescued store reads cleanly; golden serves ep-7's take 1 now (its take 2 lost its one call).
      expect((await cassette(['verify', '--store', out], tmp.dir)).code).toBe(0);
      const ls = await cassette(['ls', '--store', out, '--json'], tmp.dir);
      expect(ls.code).toBe(0);
      expect((JSON.parse(ls.stdout) as { episodes: unknown[] }).episodes).toHaveLength(EPISODES);
    },
    SLOW,
  );
});

describe('a SQLite store with pages overwritten by garbage', () => {
  it(
    'readers say store_corrupt; salvage keeps every row outside the damaged pages and names the lost steps',
    async () => {
      const file = damaged('pages.db', (f) => garbagePages(f, [20, 30], 42));
      const before = sha(file);
      // ls and stats read the episode summaries and served takes, which may lie outside the damaged
      // pages: they may answer, or say store_corrupt, but never crash.
      for (const args of [['ls'], ['stats'], ['show', 'ep-0']]) {
        const r = await cassette([...args, '--store', file], tmp.dir);
        expect([0, 3]).toContain(r.code);
        expect(r.stderr).not.toMatch(/\n\s+at /);
        if (r.code === 3) expect(r.stderr).toContain('is damaged');
      }
      const verify = await cassette(['verify', '--store', file], tmp.dir);
      expect(verify.code).toBe(1);
      expect(verify.stdout).toContain('unreadable');

      const out = join(tmp.dir, 'rescued-pages.db');
      const r = await cassette(['salvage', out, '--store', file], tmp.dir);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^lost {2}episode "ep-\d+" take \d step \d: its row is in a damaged page/m);
      expect(r.stderr).toMatch(/salvaged \d+ episodes, \d+ takes, \d+ interactions/);
      expect(r.stderr).toContain('was not changed');
      expect(sha(file)).toBe(before);
      const lostSteps = r.stdout.split('\n').filter((l) => l.startsWith('lost')).length;
      expect(lostSteps).toBeGreaterThan(0);
      expect((await allInteractions(out)) + lostSteps).toBe(EPISODES * 3);
    },
    SLOW,
  );
});

describe('a SQLite store cut short', () => {
  it(
    'readers say store_corrupt; salvage copies the takes in the part that is left',
    async () => {
      const file = damaged('short.db', (f) => truncateSync(f, Math.floor(readFileSync(f).length * 0.5) + 123));
      const before = sha(file);
      for (const args of [['ls'], ['show', 'ep-0'], ['stats']]) await expectCorrupt(args, file);
      const out = join(tmp.dir, 'rescued-short');
      const r = await cassette(['salvage', out, '--store', file, '--json'], tmp.dir);
      expect(r.code, r.stderr).toBe(1);
      const doc = JSON.parse(r.stdout) as { copied: { interactions: number }; lost: unknown[] };
      expect(doc.copied.interactions).toBeGreaterThan(0);
      expect(doc.copied.interactions).toBeLessThan(EPISODES * 3);
      expect(doc.lost.length).toBeGreaterThan(0);
      expect(sha(file)).toBe(before);
      // A directory store as the target: readable by every command.
      expect((await cassette(['ls', '--store', out], tmp.dir)).code).toBe(0);
    },
    SLOW,
  );
});

describe('cassette salvage', () => {
  it(
    'copies an intact store whole (exit 0), refuses an existing target without --force and never the store itself',
    async () => {
      const out = join(tmp.dir, 'copy.db');
      const r = await cassette(['salvage', out, '--store', good], tmp.dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('nothing was lost');
      expect(await allInteractions(out)).toBe(EPISODES * 3);

      const again = await cassette(['salvage', out, '--store', good], tmp.dir);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain(`refusing to overwrite ${out}`);
      expect((await cassette(['salvage', out, '--store', good, '--force'], tmp.dir)).code).toBe(0);

      const self = await cassette(['salvage', good, '--store', good, '--force'], tmp.dir);
      expect(self.code).toBe(2);
      expect(existsSync(good)).toBe(true);
      expect(await allInteractions(good)).toBe(EPISODES * 3);
    },
    SLOW,
  );

  it(
    'says nothing can be salvaged when the schema page is garbage (exit 3)',
    async () => {
      const file = damaged('header.db', (f) => garbagePages(f, [0], 7));
      const r = await cassette(['salvage', join(tmp.dir, 'none.db'), '--store', file], tmp.dir);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/store_corrupt|damaged|not a database/);
      expect(existsSync(join(tmp.dir, 'none.db'))).toBe(false);
    },
    SLOW,
  );
});

/** Every interaction of a store, every take, incomplete ones too. */
async function allInteractions(store: string): Promise<number> {
  const db = store.endsWith('.db') ? new Database(store, { readonly: true }) : undefined;
  if (db) {
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM interactions').get() as { n: number }).n;
    } finally {
      db.close();
    }
  }
  return (await storedInteractions(store)).length;
}
