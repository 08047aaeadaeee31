import type pg from 'pg';
import type { Interaction } from '../../types.js';
import { digestParams, POSTGRES_DIALECT, runSummaryQuery, searchParams, upsertDigestSql, upsertSearchSql } from '../episode-summary-sql.js';
import {
  addToDigest,
  emptyDigest,
  SEARCH_CHARS,
  type EpisodeSummaryPage,
  type EpisodeSummaryQuery,
  type TakeDigest,
} from '../episode-summary.js';

/** The number of migrations after which a PostgreSQL store has `take_summaries`. */
export const POSTGRES_SUMMARY_SCHEMA = 2;

const UPSERT_DIGEST = upsertDigestSql(POSTGRES_DIALECT);
const UPSERT_SEARCH = upsertSearchSql(POSTGRES_DIALECT, SEARCH_CHARS);

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
    await client.query(UPSERT_SEARCH, searchParams(takeId, digest));
  }
}

/** Fills `take_summaries` for the takes written before it existed (in the migration's transaction). */
export async function backfillPostgresSummaries(client: Queryable, readTake: (takeId: number) => Promise<Interaction[]>): Promise<void> {
  const { rows } = await client.query(`SELECT id FROM takes ORDER BY id`);
  for (const r of rows as { id: string | number }[]) {
    const takeId = Number(r.id);
    const interactions = await readTake(takeId);
    if (interactions.length > 0)
      await upsertDigests(
        client,
        interactions.map((i) => ({ takeId, i })),
      );
  }
}

/** `Store.summarizeEpisodes` on PostgreSQL: one aggregate statement over `takes` and `take_summaries`. */
export function summarizePostgresEpisodes(
  query: EpisodeSummaryQuery,
  run: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>,
): Promise<EpisodeSummaryPage> {
  return runSummaryQuery(POSTGRES_DIALECT, query, run);
}
