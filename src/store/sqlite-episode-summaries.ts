import type Database from 'better-sqlite3';
import type { Interaction } from '../types.js';
import { addToDigest, emptyDigest, SEARCH_CHARS, summarizeDigests, type DigestedTake, type TakeDigest } from './episode-summary.js';
import type { EpisodeSummaryPage, EpisodeSummaryQuery } from './episode-summary.js';
import { digestParams, runSummaryQuery, searchParams, SQLITE_DIALECT, upsertDigestSql, upsertSearchSql } from './episode-summary-sql.js';

/** The schema version (`PRAGMA user_version`) from which a SQLite store has `take_summaries`. */
export const SUMMARY_SCHEMA = 4;

/**
 * Adds a digest to its take's rows of `take_summaries` and `take_search` (statements prepared once
 * per connection). A digest without search text (`addCountsToDigest`) leaves `take_search` alone.
 */
export type DigestUpsert = (takeId: number, digest: TakeDigest) => void;

export function prepareDigestUpsert(db: Database.Database): DigestUpsert {
  const summary = db.prepare(upsertDigestSql(SQLITE_DIALECT));
  const search = db.prepare(upsertSearchSql(SQLITE_DIALECT, SEARCH_CHARS));
  return (takeId, digest) => {
    summary.run(digestParams(takeId, digest));
    if (digest.search !== '') search.run(searchParams(takeId, digest));
  };
}

/**
 * Fills `take_summaries` for the takes written before it existed: run once, by the migration that
 * creates the table, inside its transaction (one take's rows in memory at a time).
 */
export function backfillTakeSummaries(db: Database.Database): void {
  const upsert = prepareDigestUpsert(db);
  const rowsOf = db.prepare(`SELECT data FROM interactions WHERE take_id = ? ORDER BY position`);
  for (const { id } of db.prepare(`SELECT id FROM takes`).all() as { id: number }[]) {
    const d = emptyDigest();
    for (const r of rowsOf.all(id) as { data: string }[]) addToDigest(d, JSON.parse(r.data) as Interaction);
    if (d.interactions > 0) upsert(id, d);
  }
}

/** `Store.summarizeEpisodes` on SQLite: one aggregate statement over `takes` and `take_summaries`. */
export async function summarizeSqliteEpisodes(db: Database.Database, query: EpisodeSummaryQuery): Promise<EpisodeSummaryPage> {
  if ((db.pragma('user_version', { simple: true }) as number) < SUMMARY_SCHEMA) return summarizeOldFile(db, query);
  return runSummaryQuery(SQLITE_DIALECT, query, (sql, params) => db.prepare(sql).all(...params) as Record<string, unknown>[]);
}

/**
 * A store written by an older llm-cassette and opened read-only (so not migrated): its takes are
 * read whole and summed in memory, as the directory store does.
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
