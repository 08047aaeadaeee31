import type Database from 'better-sqlite3';
import type { Interaction } from '../types.js';
import { addToDigest, emptyDigest, summarizeDigests, type DigestedTake, type TakeDigest } from './episode-summary.js';
import type { EpisodeSummaryPage, EpisodeSummaryQuery } from './episode-summary.js';
import { digestParams, runSummaryQuery, SQLITE_DIALECT, upsertDigestSql } from './episode-summary-sql.js';

/** The schema version (`PRAGMA user_version`) from which a SQLite store has `take_summaries`. */
export const SUMMARY_SCHEMA = 4;
/** The schema version from which it has the full-text index `take_words` (FTS5). */
export const SEARCH_SCHEMA = 5;

/**
 * Adds a digest to its take's row of `take_summaries` and its words to the search index
 * (statements prepared once per connection). `position` is the interaction's; a whole take's
 * digest (import, backfill) passes TAKE_WORDS.
 */
export type DigestUpsert = (takeId: number, digest: TakeDigest, position: number) => void;

/** The position of the one search row holding a whole take's words (imported or backfilled takes). */
export const TAKE_WORDS = 0;

export function prepareDigestUpsert(db: Database.Database): DigestUpsert {
  const writes = prepareDigestWrites(db);
  return (takeId, digest, position) => {
    writes.summary(takeId, digest);
    writes.words(takeId, position, digest.words);
  };
}

/**
 * The two writes of a digest, apart: a group commit indexes each interaction's words and adds the
 * group's rows to each take's summary once (sqlite-store.ts `appendGroup`).
 */
export interface DigestWrites {
  summary(takeId: number, digest: TakeDigest): void;
  words(takeId: number, position: number, words: ReadonlySet<string>): void;
}

export function prepareDigestWrites(db: Database.Database): DigestWrites {
  const summary = db.prepare(upsertDigestSql(SQLITE_DIALECT));
  return { summary: (takeId, digest) => summary.run(digestParams(takeId, digest)), words: prepareSearchIndexUpdate(db) };
}

/**
 * The search index's row of an interaction: the take id in the high bits, so a search gets the
 * take from the index alone. Positions from 2^24 on (a take of 16 million calls) are not indexed.
 */
export function searchRowid(takeId: number, position: number): bigint | undefined {
  return position >= 0 && position < 2 ** 24 ? (BigInt(takeId) << 24n) + BigInt(position) : undefined;
}

/**
 * The search index update of one append: one row of the FTS5 table `take_words` holding the
 * interaction's distinct words (search-words.ts), inserted in the append's transaction. An insert
 * only (no read of the take's earlier words): FTS5 buffers it and merges segments as it goes.
 * Rows leave with their interaction (trigger `take_words_gone`, migration 5).
 */
export function prepareSearchIndexUpdate(db: Database.Database): (takeId: number, position: number, words: ReadonlySet<string>) => void {
  const insert = db.prepare(`INSERT INTO take_words (rowid, words) VALUES (?, ?)`);
  return (takeId, position, words) => {
    const rowid = searchRowid(takeId, position);
    if (rowid !== undefined && words.size > 0) insert.run(rowid, [...words].join(' '));
  };
}

/**
 * Fills `take_summaries` (migration 4) or the search index (migration 5) for the takes written
 * before it existed: run once, by the migration, inside its transaction (one take's rows in memory
 * at a time). A take's words go into one row (TAKE_WORDS).
 */
export function backfillTakeSummaries(db: Database.Database, what: 'summaries' | 'words'): void {
  let store: (id: number, d: TakeDigest) => void;
  if (what === 'summaries') {
    const upsert = db.prepare(upsertDigestSql(SQLITE_DIALECT));
    store = (id, d) => upsert.run(digestParams(id, d));
  } else {
    const indexWords = prepareSearchIndexUpdate(db);
    store = (id, d) => indexWords(id, TAKE_WORDS, d.words);
  }
  const rowsOf = db.prepare(`SELECT data FROM interactions WHERE take_id = ? ORDER BY position`);
  for (const { id } of db.prepare(`SELECT id FROM takes`).all() as { id: number }[]) {
    const d = emptyDigest();
    for (const r of rowsOf.all(id) as { data: string }[]) addToDigest(d, JSON.parse(r.data) as Interaction);
    if (d.interactions > 0) store(id, d);
  }
}

/** `Store.summarizeEpisodes` on SQLite: one aggregate statement over `takes` and `take_summaries`. */
export async function summarizeSqliteEpisodes(db: Database.Database, query: EpisodeSummaryQuery): Promise<EpisodeSummaryPage> {
  if ((db.pragma('user_version', { simple: true }) as number) < SEARCH_SCHEMA) return summarizeOldFile(db, query);
  return runSummaryQuery(SQLITE_DIALECT, query, (sql, params) => statementOf(db, sql).all(...params) as Record<string, unknown>[]);
}

/**
 * The page's statements, prepared once per connection: a query's SQL text differs only by its
 * number of search words and whether it has a cursor, so a few statements serve every page.
 */
const prepared = new WeakMap<Database.Database, Map<string, Database.Statement>>();
function statementOf(db: Database.Database, sql: string): Database.Statement {
  let cache = prepared.get(db);
  if (!cache) prepared.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) {
    if (cache.size >= 32) cache.clear();
    cache.set(sql, (statement = db.prepare(sql)));
  }
  return statement;
}

/**
 * A store written by an older llm-cassette and opened read-only (so not migrated to the search
 * index): its takes are read whole and summed in memory, as the directory store does.
 */
function summarizeOldFile(db: Database.Database, query: EpisodeSummaryQuery): EpisodeSummaryPage {
  const rowsOf = db.prepare(`SELECT data FROM interactions WHERE take_id = ? ORDER BY position`);
  const takes: DigestedTake[] = [];
  for (const t of db.prepare(`SELECT id, episode, take, created_at FROM takes`).all() as Record<string, unknown>[]) {
    const digest = emptyDigest();
    for (const r of rowsOf.all(t.id) as { data: string }[]) addToDigest(digest, JSON.parse(r.data) as Interaction);
    takes.push({ episode: t.episode as string, take: t.take as number, createdAt: t.created_at as string, digest });
  }
  return summarizeDigests(takes, query);
}
