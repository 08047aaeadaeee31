import type Database from 'better-sqlite3';
import type { Interaction } from '../types.js';
import { addToDigest, emptyDigest, summarizeDigests, type DigestedTake, type TakeDigest } from './episode-summary.js';
import type { EpisodeSummaryPage, EpisodeSummaryQuery } from './episode-summary.js';
import { digestParams, runSummaryQuery, SQLITE_BACKLOG_DIALECT, SQLITE_DIALECT, upsertDigestSql } from './episode-summary-sql.js';
import { normalizeQuery } from './episode-summary.js';
import { BACKLOG_SCHEMA, prepareWordsInsert, readBacklog, type SearchBacklog } from './sqlite-search-backlog.js';

/** The schema version (`PRAGMA user_version`) from which a SQLite store has `take_summaries`. */
export const SUMMARY_SCHEMA = 4;
/** The schema version from which it has the full-text index `take_words` (FTS5). */
export const SEARCH_SCHEMA = 5;

/**
 * Adds a digest's counts to its take's row of `take_summaries` (statement prepared once per
 * connection). The words are not written here: they are indexed after the commit
 * (sqlite-search-backlog.ts), so a digest with only counts (`addCountsToDigest`) is enough.
 */
export type DigestUpsert = (takeId: number, digest: TakeDigest) => void;

/** The position of the one search row holding a whole take's words (takes backfilled by migration 5). */
export const TAKE_WORDS = 0;

export function prepareDigestUpsert(db: Database.Database): DigestUpsert {
  const summary = db.prepare(upsertDigestSql(SQLITE_DIALECT));
  return (takeId, digest) => summary.run(digestParams(takeId, digest));
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
    const indexWords = prepareWordsInsert(db);
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
export async function summarizeSqliteEpisodes(
  db: Database.Database,
  query: EpisodeSummaryQuery,
  backlog: SearchBacklog | undefined,
): Promise<EpisodeSummaryPage> {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version < SEARCH_SCHEMA) return summarizeOldFile(db, query);
  let dialect = SQLITE_DIALECT;
  // Words not indexed yet (sqlite-search-backlog.ts) are indexed before a search reads the index:
  // by a writable store into take_words, by a read-only one into a temporary table of its own.
  if (version >= BACKLOG_SCHEMA && normalizeQuery(query).terms.some((t) => t.words.length > 0)) {
    if (backlog) await backlog.catchUp();
    else if (db.readonly && readBacklog(db)) dialect = SQLITE_BACKLOG_DIALECT;
  }
  return runSummaryQuery(dialect, query, (sql, params) => statementOf(db, sql).all(...params) as Record<string, unknown>[]);
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
