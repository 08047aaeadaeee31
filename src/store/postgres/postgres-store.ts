import pg from 'pg';
import { CassetteError } from '../../errors.js';
import type { Interaction, Mode, TakeSummary } from '../../types.js';
import { filterRuns, type RunFilter, type RunRecord } from '../run-record.js';
import type { BodyDedup, EpisodeIndex, GroupAppend, InteractionFilter, Store, TakeIndex, TakeWriter } from '../store.js';
import { joinInteraction, splitInteraction, type SplitInteraction } from './body-parts.js';
import type { EpisodeSummaryPage, EpisodeSummaryQuery } from '../episode-summary.js';
import {
  backfillPostgresSummaries,
  POSTGRES_SEARCH_SCHEMA,
  POSTGRES_SUMMARY_SCHEMA,
  summarizePostgresEpisodes,
  upsertDigests,
} from './postgres-episode-summaries.js';
import { isConnectionError, storeError } from './postgres-error.js';
import { POSTGRES_MIGRATIONS } from './postgres-migrations.js';
import { PostgresRecordingClaims } from './postgres-recording-claims.js';
import { PostgresTakeWriter } from './postgres-take-writer.js';
import { ReadThroughCache } from './read-through-cache.js';
import { interactionColumns } from '../interaction-columns.js';

type Row = Record<string, unknown>;

/** What a query runs on: the pool, or one client inside a transaction. */
export type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** An interaction ready for INSERT, split into skeleton and content-addressed parts. */
interface PreparedRow {
  takeId: number;
  i: Interaction;
  split: SplitInteraction;
}

const INSERT_BODIES = `INSERT INTO bodies (hash, bytes, data)
  SELECT * FROM unnest($1::text[], $2::int[], $3::text[]) ORDER BY 1 ON CONFLICT (hash) DO NOTHING`;

const INSERT_INTERACTIONS = `INSERT INTO interactions (take_id, position, provider, method, path, key, key_version, key_rules,
    occurrence, status, complete, input_tokens, output_tokens, cost_usd, total_ms, recorded_at, data, body_hashes, body_bytes)
  SELECT x.take_id, x.position, x.provider, x.method, x.path, x.key, x.key_version, x.key_rules, x.occurrence, x.status,
    x.complete, x.input_tokens, x.output_tokens, x.cost_usd, x.total_ms, x.recorded_at, x.data, x.body_hashes, x.body_bytes
  FROM jsonb_to_recordset($1::jsonb) AS x(take_id bigint, position int, provider text, method text, path text, key text,
    key_version int, key_rules text, occurrence int, status int, complete boolean, input_tokens int, output_tokens int,
    cost_usd double precision, total_ms double precision, recorded_at text, data text, body_hashes text[], body_bytes bigint)`;

const SELECT_WITH_BODIES = `SELECT i.id, i.data, i.body_hashes, b.hash, b.data AS body
  FROM interactions i LEFT JOIN bodies b ON b.hash = ANY (i.body_hashes)`;

/** The served take of an episode: the newest with a complete interaction. */
const NEWEST_TAKE = `SELECT t.id, t.take FROM takes t WHERE t.episode = $1
    AND EXISTS (SELECT 1 FROM interactions i WHERE i.take_id = t.id AND i.complete)
  ORDER BY t.take DESC LIMIT 1`;

/** Golden's index of an episode: the columns of interactions_take_keys, in its order (no sort). */
const INDEX_EPISODE = `WITH t AS MATERIALIZED (${NEWEST_TAKE})
  SELECT (SELECT take FROM t) AS take, i.id, i.position, i.provider, i.method, i.path, i.key, i.key_rules
  FROM interactions i WHERE i.take_id = (SELECT id FROM t) AND i.complete ORDER BY i.position`;

/**
 * INDEX_EPISODE, then (rows whose take is NULL) the first complete interaction under key $2 with
 * its bodies, in the shape of SELECT_WITH_BODIES: a cold lookup in one round trip.
 */
const INDEX_EPISODE_WITH_KEY = `WITH t AS MATERIALIZED (${NEWEST_TAKE}),
  hit AS MATERIALIZED (SELECT i.id, i.data, i.body_hashes FROM interactions i
    WHERE i.take_id = (SELECT id FROM t) AND i.complete AND i.key = $2 ORDER BY i.position LIMIT 1)
  (SELECT (SELECT take FROM t) AS take, i.id, i.position, i.provider, i.method, i.path, i.key, i.key_rules,
     NULL AS data, NULL::text[] AS body_hashes, NULL AS hash, NULL AS body
   FROM interactions i WHERE i.take_id = (SELECT id FROM t) AND i.complete ORDER BY i.position)
  UNION ALL
  SELECT NULL, h.id, NULL, NULL, NULL, NULL, NULL, NULL, h.data, h.body_hashes, b.hash, b.data
  FROM hit h LEFT JOIN bodies b ON b.hash = ANY (h.body_hashes)`;

/**
 * The PostgreSQL store (docs/stores.md): for fleets, many proxies on many machines writing one
 * store. Take numbers and position ranges are allocated by the database, bodies are stored once by
 * hash, and golden reads through an in-memory cache (`ReadThroughCache`) that keeps serving what it
 * holds when the database goes away.
 */
export class PostgresStore implements Store {
  readonly location: string;
  readonly kind = 'postgres' as const;
  readonly pool: pg.Pool;
  readonly readonly: boolean;
  readonly #cache: ReadThroughCache;
  /** Single-flight recording across proxies sharing this database (read-write stores only). */
  readonly claims: PostgresRecordingClaims | undefined;
  #closed = false;

  constructor(pool: pg.Pool, location: string, readonly: boolean, connectionString?: string) {
    this.pool = pool;
    this.location = location;
    this.readonly = readonly;
    this.#cache = new ReadThroughCache(location);
    this.claims = !readonly && connectionString ? new PostgresRecordingClaims(connectionString, location) : undefined;
  }

  /** Runs a query on the pool, turning a failure into a CassetteError that names the store (never its password). */
  /** `name`: a statement of golden's hot path, prepared once per connection (no planning per lookup). */
  async query(sql: string, params: unknown[] = [], doing = 'read', name?: string): Promise<Row[]> {
    try {
      const result = await this.pool.query(name ? { name, text: sql, values: params } : { text: sql, values: params });
      this.#cache.reachable();
      return result.rows as Row[];
    } catch (err) {
      throw this.#fail(err, doing);
    }
  }

  #fail(err: unknown, doing: string): CassetteError {
    const e = storeError(err, this.location, doing);
    if (isConnectionError(e)) this.#cache.unreachable(e);
    return e;
  }

  /** Runs `fn` in one transaction on one client of the pool. */
  async transaction<T>(doing: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw this.#fail(err, doing);
    }
    let broken: unknown;
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      this.#cache.reachable();
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((e: unknown) => (broken = e));
      if (err instanceof CassetteError) throw err;
      throw this.#fail(err, doing);
    } finally {
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  async loadEpisode(episode: string): Promise<EpisodeIndex | undefined> {
    const take = await this.#newestTake(episode);
    if (!take) return undefined;
    const rows = await this.query(`${SELECT_WITH_BODIES} WHERE i.take_id = $1 AND i.complete ORDER BY i.position`, [take.id]);
    return { episode, take: take.take, interactions: assemble(rows) };
  }

  async #newestTake(episode: string): Promise<{ id: number; take: number } | undefined> {
    const [row] = await this.query(NEWEST_TAKE, [episode]);
    return row && { id: Number(row.id), take: Number(row.take) };
  }

  /**
   * One round trip, one prepared statement: the newest take's index read from
   * interactions_take_keys alone (an index-only scan), and, given `key`, the first complete
   * interaction under that key with its bodies, kept in the read-through cache so that golden's
   * read of it answers from memory.
   */
  async indexEpisode(episode: string, key?: string): Promise<TakeIndex | undefined> {
    return this.#cache.index(
      episode,
      async () => {
        const rows =
          key === undefined
            ? await this.query(INDEX_EPISODE, [episode], 'read', 'cassette_index_episode')
            : await this.query(INDEX_EPISODE_WITH_KEY, [episode, key], 'read', 'cassette_index_episode_key');
        const indexed = rows.filter((r) => r.take !== null);
        const first = indexed[0];
        if (!first) return undefined;
        return {
          take: Number(first.take),
          interactions: indexed.map((r) => ({
            id: Number(r.id),
            position: Number(r.position),
            provider: r.provider as string,
            method: r.method as string,
            path: r.path as string,
            key: r.key as string,
            keyRules: (r.key_rules as string | null) ?? undefined,
          })),
          read: assembleById(rows.filter((r) => r.take === null)),
        };
      },
      (id) => this.#readById(episode, id),
    );
  }

  /** One interaction whole, with its bodies: one round trip. */
  async #readById(episode: string, id: number): Promise<Interaction> {
    const rows = await this.query(`${SELECT_WITH_BODIES} WHERE i.id = $1`, [id], 'read', 'cassette_read_by_id');
    const [interaction] = assemble(rows);
    if (!interaction) {
      throw new CassetteError('store_unreadable', `a recording of episode "${episode}" (row ${id}) is gone from ${this.location}`, {
        hint: 'The store changed while the proxy was serving it; restart the proxy.',
      });
    }
    return interaction;
  }

  async beginTake(episode: string, mode: Mode): Promise<TakeWriter> {
    this.#writable();
    return new PostgresTakeWriter(this, episode, mode, undefined);
  }

  async continueTake(episode: string, mode: Mode, take?: number): Promise<TakeWriter> {
    this.#writable();
    return new PostgresTakeWriter(this, episode, mode, await PostgresTakeWriter.reserveInNewest(this, episode, take));
  }

  #writable(): void {
    if (this.readonly) throw new CassetteError('store_write_failed', `the store ${this.location} is open read-only`);
  }

  /**
   * One transaction for the group: the takes are opened first, then all bodies and rows go in one
   * statement each. When that fails, every row is tried alone (under a savepoint) so that one bad
   * row fails alone and the others are stored.
   */
  async appendGroup(appends: readonly GroupAppend[]): Promise<(Error | undefined)[]> {
    const results: (Error | undefined)[] = appends.map(() => undefined);
    const prepared: (PreparedRow & { n: number })[] = [];
    for (const [n, a] of appends.entries()) {
      try {
        const writer = asPostgresWriter(a.writer);
        writer.assertOpen();
        const take = await writer.open();
        const i = { ...a.interaction, episode: writer.episode, take: take.take, position: writer.storedPosition(a.interaction.position) };
        prepared.push({ n, takeId: take.id, i, split: splitInteraction(i) });
      } catch (err) {
        results[n] = err as Error;
      }
    }
    if (prepared.length === 0) return results;
    try {
      await this.transaction('write to', async (client) => {
        await insertBodies(client, prepared);
        await client.query('SAVEPOINT grp');
        try {
          await insertRows(client, prepared);
          await client.query('RELEASE SAVEPOINT grp');
        } catch {
          await client.query('ROLLBACK TO SAVEPOINT grp');
          for (const p of prepared) {
            await client.query('SAVEPOINT one');
            try {
              await insertRows(client, [p]);
              await client.query('RELEASE SAVEPOINT one');
            } catch (err) {
              await client.query('ROLLBACK TO SAVEPOINT one');
              results[p.n] = storeError(err, this.location, 'write to');
            }
          }
        }
        await upsertDigests(
          client,
          prepared.filter((p) => results[p.n] === undefined),
        );
      });
    } catch (err) {
      return appends.map(() => err as Error);
    }
    return results;
  }

  async listEpisodes(): Promise<string[]> {
    return (await this.query(`SELECT DISTINCT episode COLLATE "C" AS episode FROM takes ORDER BY 1`)).map((r) => r.episode as string);
  }

  async listTakes(episode?: string): Promise<TakeSummary[]> {
    const rows = await this.query(
      `SELECT t.episode, t.take, t.mode, t.created_at, t.closed_at, COUNT(i.id) AS interactions,
         COUNT(i.id) FILTER (WHERE NOT i.complete) AS incomplete
       FROM takes t LEFT JOIN interactions i ON i.take_id = t.id
       ${episode === undefined ? '' : 'WHERE t.episode = $1'}
       GROUP BY t.id ORDER BY t.episode COLLATE "C", t.take`,
      episode === undefined ? [] : [episode],
    );
    return rows.map((r) => ({
      episode: r.episode as string,
      take: Number(r.take),
      createdAt: r.created_at as string,
      ...(r.closed_at ? { closedAt: r.closed_at as string } : {}),
      mode: r.mode as Mode,
      interactions: Number(r.interactions),
      incomplete: Number(r.incomplete),
    }));
  }

  async summarizeEpisodes(query: EpisodeSummaryQuery = {}): Promise<EpisodeSummaryPage> {
    return summarizePostgresEpisodes(query, (sql, params) => this.query(sql, params));
  }

  async *interactions(filter: InteractionFilter = {}): AsyncIterable<Interaction> {
    const newestOnly = filter.newestTakeOnly ?? true;
    // Only the wanted episodes' takes are listed (verify reads a large store episode by episode).
    const only = filter.episodes ? 'AND t.episode = ANY ($1::text[])' : '';
    const takes = await this.query(
      newestOnly
        ? `SELECT t.id, t.episode FROM takes t
           WHERE t.take = (SELECT MAX(t2.take) FROM takes t2 WHERE t2.episode = t.episode
                             AND EXISTS (SELECT 1 FROM interactions i WHERE i.take_id = t2.id AND i.complete)) ${only}
           ORDER BY t.episode COLLATE "C"`
        : `SELECT t.id, t.episode FROM takes t WHERE true ${only} ORDER BY t.episode COLLATE "C", t.take`,
      filter.episodes ? [filter.episodes] : [],
    );
    for (const t of takes) {
      const rows = await this.query(
        `${SELECT_WITH_BODIES} WHERE i.take_id = $1 ${filter.includeIncomplete ? '' : 'AND i.complete'} ORDER BY i.position`,
        [t.id],
      );
      yield* assemble(rows);
    }
  }

  async removeEpisodes(episodes: readonly string[]): Promise<number> {
    return this.#remove(`SELECT id FROM takes WHERE episode = ANY ($1::text[])`, [episodes]);
  }

  async removeTakes(takes: readonly { episode: string; take: number }[]): Promise<number> {
    return this.#remove(
      `SELECT t.id FROM takes t JOIN unnest($1::text[], $2::int[]) AS r(episode, take) ON t.episode = r.episode AND t.take = r.take`,
      [takes.map((t) => t.episode), takes.map((t) => t.take)],
    );
  }

  /**
   * Removes the takes `which` selects and the bodies no interaction refers to any more. The lock
   * on `bodies` makes writers wait: none can reuse a body this removal is about to delete.
   */
  async #remove(which: string, params: unknown[]): Promise<number> {
    this.#writable();
    return this.transaction('write to', async (client) => {
      await client.query('LOCK TABLE bodies IN SHARE ROW EXCLUSIVE MODE');
      const gone = await client.query(`DELETE FROM interactions WHERE take_id IN (${which}) RETURNING body_hashes`, params);
      await client.query(`DELETE FROM takes WHERE id IN (${which})`, params);
      const hashes = [...new Set(gone.rows.flatMap((r: Row) => (r.body_hashes as (string | null)[]).filter((h) => h !== null)))];
      if (hashes.length > 0) {
        await client.query(
          `DELETE FROM bodies b WHERE b.hash = ANY ($1::text[])
             AND NOT EXISTS (SELECT 1 FROM interactions i WHERE i.body_hashes @> ARRAY[b.hash])`,
          [hashes],
        );
      }
      return gone.rowCount ?? 0;
    });
  }

  async importTake(summary: TakeSummary, interactions: Interaction[]): Promise<void> {
    this.#writable();
    const { episode, take } = summary;
    const next = interactions.reduce((m, i) => Math.max(m, i.position), 0) + 1;
    await this.transaction('write to', async (client) => {
      const inserted = await client.query(
        `INSERT INTO takes (episode, take, mode, created_at, closed_at, next_position) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (episode, take) DO NOTHING RETURNING id`,
        [episode, take, summary.mode, summary.createdAt, summary.closedAt ?? null, next],
      );
      const row = inserted.rows[0] as Row | undefined;
      if (!row) throw new CassetteError('bad_usage', `episode ${episode} take ${take} exists already in ${this.location}`);
      const prepared = interactions.map((one) => {
        const i = { ...one, episode, take };
        return { takeId: Number(row.id), i, split: splitInteraction(i) };
      });
      await insertBodies(client, prepared);
      await insertRows(client, prepared);
      await upsertDigests(client, prepared);
    });
  }

  async recordRun(run: RunRecord): Promise<void> {
    this.#writable();
    await this.query(
      `INSERT INTO runs (id, started_at, duration_ms, mode, exit_code, label, data) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [run.id, run.startedAt, run.durationMs, run.mode, run.exitCode, run.label ?? null, JSON.stringify(run)],
      'write to',
    );
  }

  async listRuns(filter?: RunFilter): Promise<RunRecord[]> {
    const rows = await this.query(`SELECT data FROM runs ORDER BY started_at DESC, id DESC`);
    return filterRuns(
      rows.map((r) => JSON.parse(r.data as string) as RunRecord),
      filter,
    );
  }

  /** Body bytes as referenced by interactions and as stored once by hash (`cassette stats`). */
  async bodyDedup(): Promise<BodyDedup> {
    const [row] = await this.query(
      `SELECT (SELECT COALESCE(SUM(body_bytes), 0) FROM interactions) AS referenced, (SELECT COALESCE(SUM(bytes), 0) FROM bodies) AS stored`,
    );
    return { referencedBytes: Number(row?.referenced ?? 0), storedBytes: Number(row?.stored ?? 0) };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.claims?.close();
    await this.pool.end();
  }
}

/** Opens a pool on `url` and brings the schema up to date (unless read-only). */
export async function migratePostgres(pool: pg.Pool, location: string, readonly: boolean): Promise<void> {
  const client = await pool.connect();
  try {
    if (readonly) {
      const { rows } = await client.query(`SELECT to_regclass('cassette_schema') IS NOT NULL AS has`);
      const version = (rows[0] as Row).has ? await schemaVersion(client) : 0;
      checkVersion(version, location);
      if (version === POSTGRES_MIGRATIONS.length) return;
      if (version === 0) {
        throw new CassetteError('store_unreadable', `the PostgreSQL store ${location} has no llm-cassette schema yet`, {
          hint: 'Open it once in a recording mode (live, record-missing) or `cassette copy` into it to create its tables.',
        });
      }
      // An older schema holds recordings: bring it up to date (the migrations only add tables and
      // indexes) rather than refusing every reader after an upgrade until someone records.
      try {
        await migrate(client, location);
      } catch (err) {
        throw new CassetteError(
          'store_unreadable',
          `the PostgreSQL store ${location} has an older llm-cassette schema (${version} of ${POSTGRES_MIGRATIONS.length}) and this role could not migrate it: ${(err as Error).message}`,
          { hint: 'Open it once with a role allowed to create tables, in any mode, to migrate it.' },
        );
      }
      return;
    }
    await migrate(client, location);
  } finally {
    client.release();
  }
}

async function migrate(client: pg.PoolClient, location: string): Promise<void> {
  try {
    await client.query('BEGIN');
    // One migrator at a time, across every proxy sharing the database.
    await client.query(`SELECT pg_advisory_xact_lock(8675309001)`);
    await client.query(`CREATE TABLE IF NOT EXISTS cassette_schema (version INTEGER NOT NULL)`);
    await client.query(`INSERT INTO cassette_schema (version) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM cassette_schema)`);
    const version = await schemaVersion(client);
    checkVersion(version, location);
    for (let v = version; v < POSTGRES_MIGRATIONS.length; v++) {
      await client.query(POSTGRES_MIGRATIONS[v] as string);
      if (v + 1 === POSTGRES_SUMMARY_SCHEMA || v + 1 === POSTGRES_SEARCH_SCHEMA) {
        await backfillPostgresSummaries(client, v + 1 === POSTGRES_SUMMARY_SCHEMA ? 'summaries' : 'words', async (takeId) =>
          assemble((await client.query(`${SELECT_WITH_BODIES} WHERE i.take_id = $1 ORDER BY i.position`, [takeId])).rows as Row[]),
        );
      }
    }
    await client.query(`UPDATE cassette_schema SET version = $1`, [POSTGRES_MIGRATIONS.length]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function schemaVersion(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query(`SELECT version FROM cassette_schema`);
  return Number((rows[0] as Row | undefined)?.version ?? 0);
}

function checkVersion(version: number, location: string): void {
  if (version > POSTGRES_MIGRATIONS.length) {
    throw new CassetteError(
      'store_unreadable',
      `the PostgreSQL store ${location} was written by a newer llm-cassette (schema ${version})`,
      {
        hint: 'Upgrade llm-cassette to read it.',
      },
    );
  }
}

async function insertBodies(client: Queryable, rows: readonly PreparedRow[]): Promise<void> {
  const parts = new Map<string, string>();
  for (const r of rows) for (const p of r.split.parts) parts.set(p.hash, p.data);
  if (parts.size === 0) return;
  const hashes = [...parts.keys()].sort();
  await client.query(INSERT_BODIES, [
    hashes,
    hashes.map((h) => Buffer.byteLength(parts.get(h) as string)),
    hashes.map((h) => parts.get(h)),
  ]);
}

async function insertRows(client: Queryable, rows: readonly PreparedRow[]): Promise<void> {
  const records = rows.map(({ takeId, i, split }) => ({
    ...interactionColumns(takeId, i),
    data: split.skeleton,
    body_hashes: split.hashes,
    body_bytes: split.bytes,
  }));
  await client.query(INSERT_INTERACTIONS, [JSON.stringify(records)]);
}

/** Rows of SELECT_WITH_BODIES (one per interaction and body) back to whole interactions, in row order. */
function assemble(rows: readonly Row[]): Interaction[] {
  return [...assembleById(rows).values()];
}

/** `assemble`, by row id. */
function assembleById(rows: readonly Row[]): Map<number, Interaction> {
  const byId = new Map<number, { data: string; hashes: (string | null)[]; bodies: Map<string, string> }>();
  for (const r of rows) {
    const id = Number(r.id);
    let entry = byId.get(id);
    if (!entry) byId.set(id, (entry = { data: r.data as string, hashes: r.body_hashes as (string | null)[], bodies: new Map() }));
    if (r.hash !== null && r.hash !== undefined) entry.bodies.set(r.hash as string, r.body as string);
  }
  return new Map([...byId].map(([id, e]) => [id, joinInteraction(e.data, e.hashes, e.bodies)]));
}

function asPostgresWriter(w: TakeWriter): PostgresTakeWriter {
  if (!(w instanceof PostgresTakeWriter))
    throw new CassetteError('internal_error', 'a writer of another store was given to a PostgreSQL store');
  return w;
}
