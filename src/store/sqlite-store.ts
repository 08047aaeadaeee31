import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { CassetteError } from '../errors.js';
import type { Interaction, Mode, TakeSummary } from '../types.js';
import type { RunFilter, RunRecord } from './run-record.js';
import { SQLITE_BUSY_WAIT_MS, SQLITE_SYNC_WAIT_MS, whenNotBusy } from './sqlite-busy.js';
import { corruptStore, guardStatements, isSqliteCorruption, parseStoredRow } from './sqlite-corruption.js';
import { startCheckpointer, type Checkpointer } from './sqlite-checkpointer.js';
import { SQLITE_MIGRATIONS } from './sqlite-migrations.js';
import { SqliteRecordingClaims } from './sqlite-recording-claims.js';
import {
  backfillTakeSummaries,
  prepareDigestUpsert,
  SEARCH_SCHEMA,
  summarizeSqliteEpisodes,
  SUMMARY_SCHEMA,
} from './sqlite-episode-summaries.js';
import { BACKLOG_SCHEMA, IdleSearchIndexer, prepareSearchBacklog, type SearchBacklog } from './sqlite-search-backlog.js';
import { addCountsToDigest, emptyDigest, type EpisodeSummaryPage, type EpisodeSummaryQuery, type TakeDigest } from './episode-summary.js';
import { insertRun, selectRuns } from './sqlite-run-ledger.js';
import { createSqliteTakeIndexer, keyRulesColumn } from './sqlite-take-index.js';
import { insertParams, SqliteTakeWriter, type WriteContext } from './sqlite-take-writer.js';
import {
  canInsertOffThread,
  closeOffThread,
  groupCommitsOffThread,
  indexBacklogOffThread,
  writeGroupOffThread,
  type GroupRow,
} from './sqlite-row-thread.js';
import { hasPreparedJson } from '../util/prepared-json.js';
import type { EpisodeIndex, GroupAppend, InteractionFilter, Store, TakeIndex, TakeWriter } from './store.js';

type Row = Record<string, unknown>;

/**
 * The embedded default store. WAL with `synchronous = NORMAL`: every append is its own
 * transaction and survives a crash of the process (`kill -9`); a power cut may lose the last
 * few commits (docs/store-format.md). A write that meets another process's write lock waits
 * asynchronously (`whenNotBusy`), so the proxy keeps serving meanwhile; SQLite's own synchronous
 * `busy_timeout` stays short (only opening a store with migrations to apply waits on it).
 */
export function openSqliteStore(path: string, options: { readonly?: boolean } = {}): Store {
  let db: Database.Database | undefined;
  try {
    if (!options.readonly) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
    db.pragma(`busy_timeout = ${SQLITE_BUSY_WAIT_MS}`);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db);
    }
    // From here on a wait for a lock must not freeze the event loop (issue 13 item 11): writes
    // retry asynchronously; a read-only reader may wait a moment for a writer switching to WAL.
    db.pragma(`busy_timeout = ${options.readonly ? 1000 : SQLITE_SYNC_WAIT_MS}`);
    // Prepares every statement: a file that is not a database, or lacks the tables, fails here.
    return new SqliteStore(db, path);
  } catch (err) {
    if (db?.open) db.close();
    if (err instanceof CassetteError) throw err;
    if (isSqliteCorruption(err)) throw corruptStore(path, 'opening it', err);
    throw new CassetteError('store_unreadable', `cannot open the SQLite store ${path}: ${(err as Error).message}`, {
      cause: err,
      hint: options.readonly
        ? 'Check that the path names an llm-cassette store you may read, or pass another --store.'
        : 'Check that the path is writable, or pass another --store.',
    });
  }
}

function migrate(db: Database.Database): void {
  const schemaVersion = (): number => {
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SQLITE_MIGRATIONS.length) {
      throw new CassetteError('store_unreadable', `the store was written by a newer llm-cassette (schema ${version})`, {
        hint: 'Upgrade llm-cassette to read it.',
      });
    }
    return version;
  };
  if (schemaVersion() === SQLITE_MIGRATIONS.length) return;
  // One migration per IMMEDIATE transaction, the version read again under the write lock: several
  // processes opening a fresh store at once apply each migration exactly once.
  for (;;) {
    const applied = db
      .transaction(() => {
        const version = schemaVersion();
        const sql = SQLITE_MIGRATIONS[version];
        if (sql === undefined) return false;
        db.exec(sql);
        if (version + 1 === SUMMARY_SCHEMA) backfillTakeSummaries(db, 'summaries');
        if (version + 1 === SEARCH_SCHEMA) backfillTakeSummaries(db, 'words');
        db.pragma(`user_version = ${version + 1}`);
        return true;
      })
      .immediate();
    if (!applied) return;
  }
}

/**
 * Every method is async (the Store interface) but does its work synchronously inside: better-sqlite3
 * is synchronous, and golden's hot path (`TakeIndex.read`) stays a plain call that returns the row.
 */
class SqliteStore implements Store {
  readonly location: string;
  readonly kind = 'sqlite' as const;
  #db: Database.Database;
  #stmts: ReturnType<typeof prepare>;
  readonly #batch: Database.Transaction<(fn: () => void) => void>;
  readonly #writing: WriteContext;
  #indexTake: ReturnType<typeof createSqliteTakeIndexer>;
  /** WAL checkpoints off the event loop, started by the first append; null: SQLite's own (in the COMMIT). */
  #checkpointer: Checkpointer | null | undefined;
  /** Groups waiting for the writer thread, and the loop handing them over (while one is under way). */
  #threadQueue: { rows: GroupRow[]; resolve: (results: (number | Error)[]) => void }[] = [];
  #threadWriting: Promise<void> | undefined;
  /** Indexes the search words of rows committed without them (absent read-only). */
  readonly #backlog: SearchBacklog | undefined;
  readonly #idleIndexer: IdleSearchIndexer | undefined;
  /** Processes sharing the file coordinate record-missing through it (absent read-only). */
  readonly claims: SqliteRecordingClaims | undefined;

  constructor(db: Database.Database, location: string) {
    this.#db = db;
    this.location = location;
    this.claims = db.readonly ? undefined : new SqliteRecordingClaims(db);
    this.#stmts = guardStatements(prepare(db), location);
    this.#batch = db.transaction((fn: () => void) => fn());
    // A store too old to have take_summaries is open read-only (writable ones are migrated): it never appends.
    const current = (db.pragma('user_version', { simple: true }) as number) >= SEARCH_SCHEMA;
    this.#writing = {
      db,
      stmts: this.#stmts,
      batching: false,
      upsertDigest: current ? prepareDigestUpsert(db) : undefined,
      groupDigests: undefined,
      held: () => this.#checkpointer?.held,
      committed: () => this.#committed(this.#takeRowChars()),
      rowChars: 0,
    };
    this.#indexTake = createSqliteTakeIndexer(db, location);
    if (!db.readonly && (db.pragma('user_version', { simple: true }) as number) >= BACKLOG_SCHEMA) {
      // A file store's backlog is indexed by the row thread: reading a row with a huge answer back
      // holds SQLite for hundreds of milliseconds, which the event loop must not spend.
      const offThread = canInsertOffThread() && !db.memory ? (limit: number) => indexBacklogOffThread(db.name, limit) : undefined;
      const backlog = prepareSearchBacklog(db, offThread);
      this.#backlog = backlog;
      // Once the backlog is indexed, the row thread's connection is closed unless group commits use
      // it, so the thread stops when idle rather than holding its memory for the proxy's lifetime.
      const release = (): void => {
        if (!groupCommitsOffThread()) void closeOffThread(db.name);
      };
      this.#idleIndexer = offThread
        ? new IdleSearchIndexer(offThread, undefined, release)
        : new IdleSearchIndexer((limit) => backlog.indexSome(limit));
    }
  }

  async loadEpisode(episode: string): Promise<EpisodeIndex | undefined> {
    const take = this.#stmts.newestTake.get(episode) as { id: number; take: number } | undefined;
    if (!take) return undefined;
    const rows = this.#stmts.completeOfTake.all(take.id) as Row[];
    return { episode, take: take.take, interactions: rows.map((r) => this.#fromRow(r, episode, take.take)) };
  }

  async indexEpisode(episode: string): Promise<TakeIndex | undefined> {
    const take = this.#stmts.newestTake.get(episode) as { id: number; take: number } | undefined;
    return take && this.#indexTake(episode, take);
  }

  async beginTake(episode: string, mode: Mode): Promise<TakeWriter> {
    return new SqliteTakeWriter(this.#writing, episode, mode, 'new');
  }

  async continueTake(episode: string, mode: Mode, take?: number): Promise<TakeWriter> {
    return new SqliteTakeWriter(this.#writing, episode, mode, take ?? 'continue');
  }

  /**
   * One IMMEDIATE transaction for the group; a row that fails alone fails alone (see
   * SqliteTakeWriter.appendNow). Each take's summary row is updated once per group, with the
   * counts of the group's stored rows, before the COMMIT: rows and summaries still commit together.
   */
  async appendGroup(appends: readonly GroupAppend[]): Promise<(Error | undefined)[]> {
    // Large rows (answers finished off the event loop) are written by the row thread, each in a
    // transaction of its own; the rest share one transaction here.
    const large = canInsertOffThread() ? appends.map((a) => hasPreparedJson(a.interaction)) : appends.map(() => false);
    // A file store's group commits are written by the writer thread where it has a core of its
    // own (sqlite-row-thread.ts); an in-memory store, or a process on one core, commits here.
    const write = (group: readonly GroupAppend[]) =>
      groupCommitsOffThread() && !this.#db.memory ? this.#appendOnThread(group) : this.#appendTogether(group);
    if (!large.includes(true)) return write(appends);
    const small = appends.filter((_, n) => !large[n]);
    const together = small.length > 0 ? write(small) : Promise.resolve([]);
    const alone = appends.map((a, n) =>
      large[n]
        ? asSqliteWriter(a.writer)
            .appendOffThread(a.interaction)
            .then(
              (): undefined => void this.#committed(),
              (err: unknown) => (isSqliteCorruption(err) ? corruptStore(this.location, 'writing to it', err) : (err as Error)),
            )
        : undefined,
    );
    const smallResults = await together;
    let k = 0;
    return Promise.all(appends.map((_, n) => (large[n] ? alone[n] : smallResults[k++])));
  }

  /**
   * The group commit on the writer thread (sqlite-row-thread.ts). Here only what needs the
   * interaction objects is done: the takes are created (once each), and each row is prepared
   * (its JSON, columns, counts, the texts of its words). The thread inserts the rows and their
   * search words, adds the counts to each take's summary and commits; each append resolves after
   * that COMMIT, so the held end of an answer and crash safety stay as on the event loop.
   */
  async #appendOnThread(appends: readonly GroupAppend[]): Promise<(Error | undefined)[]> {
    const results: (Error | undefined)[] = appends.map(() => undefined);
    const rows: GroupRow[] = [];
    const sent: { n: number; writer: SqliteTakeWriter }[] = [];
    for (const [n, a] of appends.entries()) {
      try {
        const writer = asSqliteWriter(a.writer);
        if (!writer.hasTake) await writer.take();
        rows.push(writer.threadRow(a.interaction));
        sent.push({ n, writer });
      } catch (err) {
        results[n] = err as Error;
      }
    }
    if (rows.length === 0) return results;
    const written = await this.#toWriterThread(rows);
    sent.forEach(({ n, writer }, k) => {
      const r = written[k];
      if (r instanceof Error) results[n] = r;
      else if (r === undefined) results[n] = new Error('the writer thread did not answer for this row');
      else writer.storedAt(r);
    });
    return results;
  }

  /**
   * Hands rows to the writer thread. One transaction of this store is under way on the thread at a
   * time; the groups that arrive meanwhile go together in the next one (fewer COMMITs under load,
   * and no more than one group waiting). Resolves per row: the position it was stored at, or its error.
   */
  #toWriterThread(rows: GroupRow[]): Promise<(number | Error)[]> {
    return new Promise((resolve) => {
      this.#threadQueue.push({ rows, resolve });
      this.#threadWriting ??= this.#drainToWriterThread();
    });
  }

  async #drainToWriterThread(): Promise<void> {
    while (this.#threadQueue.length > 0) {
      const groups = this.#threadQueue;
      this.#threadQueue = [];
      await this.#checkpointer?.held;
      const rows = groups.flatMap((g) => g.rows);
      let out: (number | Error)[];
      try {
        const results = await writeGroupOffThread(this.#db.name, rows, Boolean(this.#checkpointer));
        out = rows.map((_, k) => {
          const r = results[k];
          if (r === undefined) return new Error('the writer thread did not answer for this row');
          return 'position' in r ? r.position : this.#threadError(Object.assign(new Error(r.error), r.code ? { code: r.code } : {}));
        });
        this.#committed(rows.reduce((bytes, r) => bytes + (r.row.data as string).length, 0));
      } catch (err) {
        // The transaction failed as a whole (its COMMIT, a rollback, the thread): nothing of it is stored.
        const error = this.#threadError(err);
        out = rows.map(() => error);
      }
      let k = 0;
      for (const g of groups) {
        g.resolve(out.slice(k, k + g.rows.length));
        k += g.rows.length;
      }
    }
    this.#threadWriting = undefined;
  }

  #threadError(err: unknown): Error {
    return isSqliteCorruption(err) ? corruptStore(this.location, 'writing to it', err) : (err as Error);
  }

  async #appendTogether(appends: readonly GroupAppend[]): Promise<(Error | undefined)[]> {
    let results: (Error | undefined)[] = [];
    await this.#checkpointer?.held;
    try {
      await whenNotBusy(() =>
        this.#batch.immediate(() => {
          results = appends.map(() => undefined);
          const digests = new Map<SqliteTakeWriter, TakeDigest>();
          this.#writing.batching = true;
          this.#writing.groupDigests = digests;
          try {
            appends.forEach((a, n) => {
              try {
                asSqliteWriter(a.writer).appendNow(a.interaction);
              } catch (err) {
                results[n] = err as Error;
              }
            });
          } finally {
            this.#writing.batching = false;
            this.#writing.groupDigests = undefined;
          }
          // A summary that cannot be written fails the group (rolled back whole), as a failed COMMIT would.
          if (this.#db.inTransaction) for (const [writer, digest] of digests) writer.writeGroupDigest(digest);
        }),
      );
    } catch (err) {
      // The commit itself failed: nothing of this group is stored.
      return appends.map(() => err as Error);
    }
    this.#committed(this.#takeRowChars());
    return results;
  }

  /** The row characters written since the last COMMIT reported to the checkpointer (which then looks at the WAL's size only every 256 KiB). */
  #takeRowChars(): number {
    const chars = this.#writing.rowChars;
    this.#writing.rowChars = 0;
    return chars;
  }

  /**
   * After a COMMIT of recorded rows. The first one moves the WAL checkpoints to a thread
   * (sqlite-checkpointer.ts): a file store only; if the thread cannot start or fails, SQLite's
   * automatic checkpoint stays or comes back on.
   */
  #committed(bytes?: number): void {
    if (this.#checkpointer === undefined) {
      this.#checkpointer = null;
      if (!this.#db.memory && this.#db.open) {
        const autoCheckpoint = this.#db.pragma('wal_autocheckpoint', { simple: true }) as number;
        const started = startCheckpointer(this.location, () => {
          this.#checkpointer = null;
          if (this.#db.open) this.#db.pragma(`wal_autocheckpoint = ${autoCheckpoint}`);
        });
        if (started) {
          this.#db.pragma('wal_autocheckpoint = 0');
          this.#checkpointer = started;
        }
      }
    }
    this.#checkpointer?.committed(bytes);
    this.#idleIndexer?.touch();
  }

  async listEpisodes(): Promise<string[]> {
    return (this.#stmts.episodes.all() as { episode: string }[]).map((r) => r.episode);
  }

  async listTakes(episode?: string): Promise<TakeSummary[]> {
    const rows = (episode === undefined ? this.#stmts.takes.all() : this.#stmts.takesOf.all(episode)) as Row[];
    return rows.map((r) => ({
      episode: r.episode as string,
      take: r.take as number,
      createdAt: r.created_at as string,
      ...(r.closed_at ? { closedAt: r.closed_at as string } : {}),
      mode: r.mode as Mode,
      interactions: r.interactions as number,
      incomplete: r.incomplete as number,
    }));
  }

  async summarizeEpisodes(query: EpisodeSummaryQuery = {}): Promise<EpisodeSummaryPage> {
    return summarizeSqliteEpisodes(this.#db, query, this.#backlog);
  }

  async *interactions(filter: InteractionFilter = {}): AsyncIterable<Interaction> {
    const newestOnly = filter.newestTakeOnly ?? true;
    const wanted = filter.episodes ? new Set(filter.episodes) : undefined;
    for (const t of this.listTakesForIteration(newestOnly)) {
      if (wanted && !wanted.has(t.episode)) continue;
      const stmt = filter.includeIncomplete ? this.#stmts.allOfTake : this.#stmts.completeOfTake;
      // A take at a time with all(), not iterate(): the connection must be free while the caller awaits.
      for (const row of stmt.all(t.id) as Row[]) yield this.#fromRow(row, t.episode, t.take);
    }
  }

  private listTakesForIteration(newestOnly: boolean): { id: number; episode: string; take: number }[] {
    return (newestOnly ? this.#stmts.newestTakes.all() : this.#stmts.allTakeIds.all()) as { id: number; episode: string; take: number }[];
  }

  #fromRow(row: Row, episode: string, take: number): Interaction {
    return parseStoredRow(row.data as string, this.location, `row ${row.id as number} of episode "${episode}" take ${take}`);
  }

  async removeEpisodes(episodes: readonly string[]): Promise<number> {
    const remove = this.#db.transaction(() =>
      episodes.reduce((n, e) => {
        const removed = this.#stmts.deleteEpisodeInteractions.run(e).changes;
        this.#stmts.deleteEpisodeTakes.run(e);
        return n + removed;
      }, 0),
    );
    return whenNotBusy(() => remove.immediate());
  }

  async removeTakes(takes: readonly { episode: string; take: number }[]): Promise<number> {
    const remove = this.#db.transaction(() =>
      takes.reduce((n, t) => {
        const removed = this.#stmts.deleteTakeInteractions.run(t.episode, t.take).changes;
        this.#stmts.deleteTake.run(t.episode, t.take);
        return n + removed;
      }, 0),
    );
    return whenNotBusy(() => remove.immediate());
  }

  /** Writes a whole take with its recorded number, times and positions (import/export). */
  async importTake(summary: TakeSummary, interactions: Interaction[]): Promise<void> {
    const { episode, take } = summary;
    const write = this.#db.transaction(() => {
      if (this.#stmts.takeExists.get(episode, take)) {
        throw new CassetteError('bad_usage', `episode ${episode} take ${take} exists already in ${this.location}`);
      }
      const id = Number(this.#stmts.insertTake.run(episode, take, summary.mode, summary.createdAt).lastInsertRowid);
      if (summary.closedAt !== undefined) this.#stmts.closeTake.run(summary.closedAt, id);
      // Counted into the take's summary as if appended; the words are indexed after the COMMIT, like
      // an append's (by the next search, idle time or close()): an imported store searches like a recorded one.
      const digest = emptyDigest();
      for (const i of interactions) {
        this.#stmts.insert.run(insertParams(id, { ...i, episode, take }));
        addCountsToDigest(digest, i);
      }
      if (interactions.length > 0) this.#writing.upsertDigest?.(id, digest);
    });
    await whenNotBusy(() => write.immediate());
  }

  async recordRun(run: RunRecord): Promise<void> {
    await whenNotBusy(() => insertRun(this.#db, run));
  }

  async listRuns(filter?: RunFilter): Promise<RunRecord[]> {
    return selectRuns(this.#db, filter);
  }

  async close(): Promise<void> {
    if (!this.#db.open) return;
    // What was handed to the writer thread is committed before anything closes.
    while (this.#threadWriting) await this.#threadWriting;
    // A store closed cleanly leaves no row without its search words (a read-only reader then has
    // nothing to index itself). Best effort: another process's lock held too long leaves the rest
    // to the next search or writer.
    this.#idleIndexer?.stop();
    await this.#backlog?.catchUp().catch(() => undefined);
    const checkpointer = this.#checkpointer;
    this.#checkpointer = null;
    await checkpointer?.close();
    // The row thread's connection first: the checkpoint below needs to be the only one.
    await closeOffThread(this.#db.name);
    if (!this.#db.readonly) {
      // Leave the file in rollback-journal mode when no one else has it open, so a golden reader
      // (read-only, maybe on a read-only checkout) needs no -wal/-shm files and creates none.
      // Best effort: another writer still holding the store keeps it in WAL, which is fine.
      try {
        this.#db.pragma('busy_timeout = 0');
        this.#db.pragma('wal_checkpoint(TRUNCATE)');
        this.#db.pragma('journal_mode = DELETE');
      } catch {
        // another connection is active
      }
    }
    this.#db.close();
  }
}

function asSqliteWriter(w: TakeWriter): SqliteTakeWriter {
  if (!(w instanceof SqliteTakeWriter)) throw new CassetteError('internal_error', 'a writer of another store was given to a SQLite store');
  return w;
}

function prepare(db: Database.Database) {
  return {
    newestTake: db.prepare(
      `SELECT t.id, t.take FROM takes t WHERE t.episode = ?
         AND EXISTS (SELECT 1 FROM interactions i WHERE i.take_id = t.id AND i.complete = 1)
       ORDER BY t.take DESC LIMIT 1`,
    ),
    newestTakes: db.prepare(
      `SELECT t.id, t.episode, t.take FROM takes t
       WHERE t.take = (SELECT MAX(t2.take) FROM takes t2 WHERE t2.episode = t.episode
                         AND EXISTS (SELECT 1 FROM interactions i WHERE i.take_id = t2.id AND i.complete = 1))
       ORDER BY t.episode`,
    ),
    allTakeIds: db.prepare(`SELECT id, episode, take FROM takes ORDER BY episode, take`),
    latestTake: db.prepare(`SELECT id, take FROM takes WHERE episode = ? ORDER BY take DESC LIMIT 1`),
    takeNumbered: db.prepare(`SELECT id, take FROM takes WHERE episode = ? AND take = ?`),
    maxTake: db.prepare(`SELECT MAX(take) AS t FROM takes WHERE episode = ?`),
    takeExists: db.prepare(`SELECT 1 FROM takes WHERE episode = ? AND take = ?`),
    maxPosition: db.prepare(`SELECT MAX(position) AS p FROM interactions WHERE take_id = ?`),
    positionTaken: db.prepare(`SELECT 1 FROM interactions WHERE take_id = ? AND position = ?`),
    insertTake: db.prepare(`INSERT INTO takes (episode, take, mode, created_at) VALUES (?, ?, ?, ?)`),
    closeTake: db.prepare(`UPDATE takes SET closed_at = ? WHERE id = ?`),
    completeOfTake: db.prepare(`SELECT id, data FROM interactions WHERE take_id = ? AND complete = 1 ORDER BY position`),
    allOfTake: db.prepare(`SELECT id, data FROM interactions WHERE take_id = ? ORDER BY position`),
    episodes: db.prepare(`SELECT DISTINCT episode FROM takes ORDER BY episode`),
    takes: db.prepare(takesSql('')),
    takesOf: db.prepare(takesSql('WHERE t.episode = ?')),
    deleteEpisodeInteractions: db.prepare(`DELETE FROM interactions WHERE take_id IN (SELECT id FROM takes WHERE episode = ?)`),
    deleteEpisodeTakes: db.prepare(`DELETE FROM takes WHERE episode = ?`),
    deleteTakeInteractions: db.prepare(`DELETE FROM interactions WHERE take_id IN (SELECT id FROM takes WHERE episode = ? AND take = ?)`),
    deleteTake: db.prepare(`DELETE FROM takes WHERE episode = ? AND take = ?`),
    insert: prepareInsert(db),
  };
}

/**
 * The insert of one interaction row (`insertParams`); also prepared by the row thread's own
 * connection, which may bind `data` as UTF-8 bytes (`CAST(@data AS TEXT)`).
 */
export function prepareInsert(db: Database.Database, data = '@data'): Database.Statement {
  // key_rules is missing only from a schema-1 store opened read-only, which never inserts.
  return db.prepare(
    `INSERT INTO interactions (take_id, position, provider, method, path, key, key_version, occurrence, status,
       complete, input_tokens, output_tokens, cost_usd, total_ms, recorded_at, data${keyRulesColumn(db)})
     VALUES (@take_id, @position, @provider, @method, @path, @key, @key_version, @occurrence, @status,
       @complete, @input_tokens, @output_tokens, @cost_usd, @total_ms, @recorded_at, ${data}${keyRulesColumn(db, '@')})`,
  );
}

function takesSql(where: string): string {
  return `SELECT t.episode, t.take, t.mode, t.created_at, t.closed_at,
            (SELECT COUNT(*) FROM interactions i WHERE i.take_id = t.id) AS interactions,
            (SELECT COUNT(*) FROM interactions i WHERE i.take_id = t.id AND i.complete = 0) AS incomplete
          FROM takes t ${where} ORDER BY t.episode, t.take`;
}
