import type pg from 'pg';
import type { Interaction } from '../../types.js';
import { digestParams, POSTGRES_DIALECT, runSummaryQuery, upsertDigestSql } from '../episode-summary-sql.js';
import { addToDigest, emptyDigest, type EpisodeSummaryPage, type EpisodeSummaryQuery, type TakeDigest } from '../episode-summary.js';

/** The number of migrations after which a PostgreSQL store has `take_summaries`. */
export const POSTGRES_SUMMARY_SCHEMA = 2;
/** The number of migrations after which it has the full-text index `take_words`. */
export const POSTGRES_SEARCH_SCHEMA = 4;

const UPSERT_DIGEST = upsertDigestSql(POSTGRES_DIALECT);

type Queryable = Pick<pg.PoolClient, 'query'>;

/**
 * Adds stored interactions to their takes' rows of `take_summaries`, inside the transaction that
 * stored them. Takes in id order: two groups touching the same takes lock them in the same order.
 */
export async function upsertDigests(client: Queryable, rows: readonly { takeId: number; i: Interaction }[]): Promise<void> {
  const byTake = new Map<number, TakeDigest>();
  for (const { takeId, i } of rows) {
    let d = byTake.get(takeId);
    if (!d) byTake.set(takeId, (d = emptyDigest()));
    addToDigest(d, i);
  }
  for (const takeId of [...byTake.keys()].sort((a, b) => a - b)) {
    const digest = byTake.get(takeId) as TakeDigest;
    await client.query(UPSERT_DIGEST, digestParams(takeId, digest));
    await indexSearchWords(client, takeId, digest.words);
  }
}

/**
 * The search index update of one append group: one row of `take_words` per take holding the
 * distinct words (search-words.ts) of its interactions in the group, as a tsvector of exactly those
 * lexemes (array_to_tsvector: no parser or dictionary of PostgreSQL's, so every store finds the
 * same words). An insert only; the GIN index takes it in its pending list.
 */
export async function indexSearchWords(client: Queryable, takeId: number, words: ReadonlySet<string>): Promise<void> {
  if (words.size > 0)
    await client.query(`INSERT INTO take_words (take_id, words) VALUES ($1, array_to_tsvector($2::text[]))`, [takeId, [...words]]);
}

/**
 * Fills `take_summaries` (migration 2) or `take_words` (migration 4) for the takes written before
 * it existed (in the migration's transaction).
 */
export async function backfillPostgresSummaries(
  client: Queryable,
  what: 'summaries' | 'words',
  readTake: (takeId: number) => Promise<Interaction[]>,
): Promise<void> {
  const { rows } = await client.query(`SELECT id FROM takes ORDER BY id`);
  for (const r of rows as { id: string | number }[]) {
    const takeId = Number(r.id);
    const interactions = await readTake(takeId);
    if (interactions.length === 0) continue;
    const digest = interactions.reduce(addToDigest, emptyDigest());
    if (what === 'summaries') await client.query(UPSERT_DIGEST, digestParams(takeId, digest));
    else await indexSearchWords(client, takeId, digest.words);
  }
}

/** `Store.summarizeEpisodes` on PostgreSQL: one aggregate statement over `takes` and `take_summaries`. */
export function summarizePostgresEpisodes(
  query: EpisodeSummaryQuery,
  run: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>,
): Promise<EpisodeSummaryPage> {
  return runSummaryQuery(POSTGRES_DIALECT, query, run);
}
