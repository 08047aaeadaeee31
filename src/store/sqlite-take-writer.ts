import type Database from 'better-sqlite3';
import type { Interaction, Mode } from '../types.js';
import { addCountsToDigest, emptyDigest, type TakeDigest } from './episode-summary.js';
import type { DigestUpsert } from './sqlite-episode-summaries.js';
import { whenNotBusy } from './sqlite-busy.js';
import type { TakeWriter } from './store.js';
import { takeFinished } from './take-finished.js';
import { interactionColumns } from './interaction-columns.js';
import { prepareInteractionJson, stringifyInteraction } from '../util/prepared-json.js';
import { insertOffThread, type GroupRow } from './sqlite-row-thread.js';

/** What the take writers of one store share. */
export interface WriteContext {
  db: Database.Database;
  stmts: Record<
    'latestTake' | 'takeNumbered' | 'maxPosition' | 'positionTaken' | 'maxTake' | 'insertTake' | 'closeTake' | 'insert',
    Database.Statement
  >;
  /** Inside `batch()`: an append must still find the group's transaction open. */
  batching: boolean;
  /**
   * Adds an append's counts to its take's row of `take_summaries` (absent on a read-only store of
   * an old schema). Its search words are indexed after the COMMIT (sqlite-search-backlog.ts).
   */
  upsertDigest: DigestUpsert | undefined;
  /**
   * Inside `batch()`: per take, the counts of the group's rows so far. The group adds them to each
   * take's summary once, before its COMMIT (`writeGroupDigest`), not once per row.
   */
  groupDigests: Map<SqliteTakeWriter, TakeDigest> | undefined;
  /** What an append waits for before it writes (a checkpoint emptying the WAL), if anything. */
  held(): Promise<void> | undefined;
  /** After an append's COMMIT (the WAL grew). */
  committed(): void;
  /** The `data` characters of the rows inserted since the last COMMIT was reported (the WAL's growth, roughly). */
  rowChars: number;
}

export class SqliteTakeWriter implements TakeWriter {
  readonly episode: string;
  #take: { id: number; take: number } | undefined;
  #position = 0;
  #finished = false;

  constructor(
    private readonly ctx: WriteContext,
    episode: string,
    private readonly mode: Mode,
    /** Continue the newest take, a given one (when it still exists), or make a new one. */
    private readonly how: 'new' | 'continue' | number,
  ) {
    this.episode = episode;
    if (how !== 'new') {
      const t = this.#existing();
      if (t) {
        this.#take = t;
        this.#position = (this.ctx.stmts.maxPosition.get(t.id) as { p: number | null }).p ?? 0;
      }
    }
  }

  async take(): Promise<number> {
    return (await whenNotBusy(() => this.#ensureTake())).take;
  }

  nextPosition(): number {
    return ++this.#position;
  }

  async append(i: Interaction): Promise<void> {
    await this.ctx.held();
    await whenNotBusy(() => this.appendNow(i));
    this.ctx.committed();
  }

  /** The synchronous append, inside a group's transaction (`SqliteStore.appendGroup`) or alone. */
  appendNow(i: Interaction): void {
    // SQLite rolls a transaction back by itself on some errors (SQLITE_FULL, IOERR): the rest of
    // the group would then commit row by row, and be reported failed with the group although stored.
    if (this.ctx.batching && !this.ctx.db.inTransaction) throw new Error('an earlier error rolled back this group of appends');
    if (this.#finished) throw takeFinished(this.episode, this.#take?.take);
    // Alone: one IMMEDIATE transaction, so that the free position found below is still free when
    // the row goes in (another process continuing the take may insert in between otherwise), and
    // the row and its take's summary commit together.
    if (this.ctx.db.inTransaction) return this.#insert(i);
    const before = this.#take;
    try {
      this.ctx.db.transaction(() => this.#insert(i)).immediate();
    } catch (err) {
      this.#take = before; // a take created by the rolled-back transaction does not exist
      throw err;
    }
  }

  /** Inserts the row and its summary; inside a transaction. */
  #insert(i: Interaction): void {
    const take = this.#ensureTake();
    let position = i.position;
    // Several processes continuing one take (record-missing on a fleet) each count positions from
    // what they saw when they opened it: a position another process has used since goes to the end.
    if (this.how !== 'new' && this.ctx.stmts.positionTaken.get(take.id, position)) {
      position = ((this.ctx.stmts.maxPosition.get(take.id) as { p: number | null }).p ?? 0) + 1;
      this.#position = Math.max(this.#position, position);
    }
    const params = insertParams(take.id, { ...i, episode: this.episode, take: take.take, position });
    this.ctx.stmts.insert.run(params);
    this.ctx.rowChars += (params.data as string).length;
    const group = this.ctx.groupDigests;
    if (!this.ctx.upsertDigest) return;
    if (group) {
      // In a group: the counts go into the take's summary once per take, before the COMMIT (SqliteStore.appendGroup).
      let digest = group.get(this);
      if (!digest) group.set(this, (digest = emptyDigest()));
      addCountsToDigest(digest, i);
    } else this.ctx.upsertDigest(take.id, addCountsToDigest(emptyDigest(), i));
  }

  /** Adds the group's counts of this writer's rows to its take's summary (inside the group's transaction). */
  writeGroupDigest(digest: TakeDigest): void {
    if (this.#take) this.ctx.upsertDigest?.(this.#take.id, digest);
  }

  /**
   * Appends a large row (one whose answer was finished off the event loop) with the row thread's
   * own connection, so writing tens of MiB does not silence other calls. Resolves once committed,
   * like `append`; the take is created here first, and a position another process took since is
   * written by `append` instead (which moves it to the end).
   */
  async appendOffThread(i: Interaction): Promise<void> {
    if (this.#finished) throw takeFinished(this.episode, this.#take?.take);
    const take = await whenNotBusy(() => this.#ensureTake());
    const stored = { ...i, episode: this.episode, take: take.take };
    // The large parts' JSON moves to the row thread as the bytes the finishing thread wrote.
    const json = prepareInteractionJson(stored);
    const row = json ? rowColumns(take.id, stored) : insertParams(take.id, stored);
    const digest = this.ctx.upsertDigest ? addCountsToDigest(emptyDigest(), i) : undefined;
    if (!(await insertOffThread(this.ctx.db.name, row, digest, this.how !== 'new', json))) await this.append(i);
  }

  /**
   * The row of `i` for the writer thread's group commit (`SqliteStore.appendGroup`): its JSON,
   * columns and counts, all prepared here so the thread only writes. The take must exist already
   * (`take()`).
   */
  threadRow(i: Interaction): GroupRow {
    if (this.#finished) throw takeFinished(this.episode, this.#take?.take);
    const take = this.#take;
    if (!take) throw new Error('the take is not created yet');
    return {
      row: insertParams(take.id, { ...i, episode: this.episode, take: take.take }),
      checkPosition: this.how !== 'new',
      counts: addCountsToDigest(emptyDigest(), i),
    };
  }

  /** True once the take exists (the writer thread's rows need its id). */
  get hasTake(): boolean {
    return this.#take !== undefined;
  }

  /** A row went to `position` (the writer thread moved it to the end of a continued take): count on from there. */
  storedAt(position: number): void {
    if (position > this.#position) this.#position = position;
  }

  /** A finished take never changes: this writer appends nothing more (record-missing continues with a new writer). */
  async finish(): Promise<void> {
    this.#finished = true;
    const take = this.#take;
    if (take) await whenNotBusy(() => this.ctx.stmts.closeTake.run(new Date().toISOString(), take.id));
  }

  /** The take a continuing writer appends to, when it exists. */
  #existing(): { id: number; take: number } | undefined {
    if (this.how === 'new') return undefined;
    const row =
      this.how === 'continue' ? this.ctx.stmts.latestTake.get(this.episode) : this.ctx.stmts.takeNumbered.get(this.episode, this.how);
    return row as { id: number; take: number } | undefined;
  }

  /** Takes are created on the first append: a session that records nothing leaves no empty take. */
  #ensureTake(): { id: number; take: number } {
    if (!this.#take) {
      // IMMEDIATE: two processes opening a take of one episode at once get distinct numbers.
      this.#take = this.ctx.db
        .transaction(() => {
          // Continuing: another process may have created the episode's take since this writer opened.
          const latest = this.#existing();
          if (latest) return latest;
          const next = (this.ctx.stmts.maxTake.get(this.episode) as { t: number | null }).t ?? 0;
          const info = this.ctx.stmts.insertTake.run(this.episode, next + 1, this.mode, new Date().toISOString());
          return { id: Number(info.lastInsertRowid), take: next + 1 };
        })
        .immediate();
    }
    return this.#take;
  }
}

/** The row of an interaction: a few columns for queries and golden's index, and the whole of it as JSON. */
export function insertParams(takeId: number, i: Interaction): Record<string, unknown> {
  return { ...rowColumns(takeId, i), data: stringifyInteraction(i) };
}

/** The row of an interaction but its `data`. */
function rowColumns(takeId: number, i: Interaction): Record<string, unknown> {
  return { ...interactionColumns(takeId, i), complete: i.complete ? 1 : 0 };
}
