import type Database from 'better-sqlite3';
import type { Interaction } from '../types.js';
import { interactionWords } from './search-words.js';
import { whenNotBusy } from './sqlite-busy.js';

/**
 * The search words of a SQLite store are indexed after the rows are committed, not in the
 * recording's transaction (issue 20: the FTS5 insert and the word split were a fifth of what the
 * store cost a recorded call). `search_backlog.indexed_upto` (migration 6) is the highest
 * `interactions.id` whose words are in `take_words`: rows above it are the backlog. Ids grow in
 * commit order (one writer at a time holds SQLite's write lock), so the watermark never skips a
 * row that commits later; a delete of the highest rows lowers it (trigger `search_backlog_gone`),
 * so a reused id is indexed again.
 *
 * The backlog is indexed before any search of a writable store, when a recording proxy has been
 * idle for a while (`IdleSearchIndexer`), and when a store is closed. A read-only reader (`cassette
 * ui`) indexes it into a temporary table of its own connection (`readBacklog`).
 */

/** The schema version from which a SQLite store has `search_backlog` (words indexed after the commit). */
export const BACKLOG_SCHEMA = 6;

/** Rows indexed per transaction when the proxy is idle: a few milliseconds of event-loop time each. */
export const IDLE_BATCH = 50;
/** How long the store must have committed nothing before the idle indexer starts. */
export const IDLE_MS = 1000;
/** Rows per transaction when a search or `close()` catches up the whole backlog. */
const CATCH_UP_BATCH = 2000;

/** The search index's row of an interaction: the take id in the high bits (positions from 2^24 on are not indexed). */
export function searchRowid(takeId: number, position: number): bigint | undefined {
  return position >= 0 && position < 2 ** 24 ? (BigInt(takeId) << 24n) + BigInt(position) : undefined;
}

/** An insert into an FTS5 table of the `take_words` shape (`table`: `take_words` or the temporary backlog). */
export function prepareWordsInsert(
  db: Database.Database,
  table = 'take_words',
): (takeId: number, position: number, words: ReadonlySet<string>) => void {
  const insert = db.prepare(`INSERT INTO ${table} (rowid, words) VALUES (?, ?)`);
  return (takeId, position, words) => {
    const rowid = searchRowid(takeId, position);
    if (rowid !== undefined && words.size > 0) insert.run(rowid, [...words].join(' '));
  };
}

/**
 * The parts of a stored row its words come from (search-words.ts `wordTexts`): SQLite's JSON
 * functions take them out of the row, so the response (the answer a second time, the events)
 * is never parsed here.
 */
const ROW_TEXTS = `id, take_id, position, json_extract(data, '$.request.body') AS body, json_extract(data, '$.assembled.text') AS answer`;

interface StoredRow {
  id: number;
  take_id: number;
  position: number;
  body: string | null;
  answer: string | null;
}

/** The words of a stored row; a row whose JSON does not parse has none (verify and salvage report it). */
function rowWords(r: StoredRow): ReadonlySet<string> {
  try {
    const body = r.body === null ? undefined : (JSON.parse(r.body) as Interaction['request']['body']);
    return interactionWords({
      request: { body: body ?? { kind: 'empty' } },
      ...(typeof r.answer === 'string' ? { assembled: { text: r.answer } } : {}),
    } as Interaction);
  } catch {
    return new Set();
  }
}

/** Rows after an id, in id order, a batch at a time. A damaged row's JSON fails json_extract: such a batch is read row by row. */
function rowsAfter(
  db: Database.Database,
  stmt: Database.Statement,
  one: Database.Statement,
  after: number,
  upTo: number,
  limit: number,
): StoredRow[] {
  try {
    return stmt.all(after, upTo, limit) as StoredRow[];
  } catch (err) {
    if ((err as { code?: string }).code !== 'SQLITE_ERROR') throw err;
    const ids = db
      .prepare(`SELECT id, take_id, position FROM interactions WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`)
      .all(after, upTo, limit) as StoredRow[];
    return ids.map((r) => {
      try {
        return one.get(r.id) as StoredRow;
      } catch {
        return { ...r, body: null, answer: null };
      }
    });
  }
}

/** Indexing of a writable store's backlog (statements prepared once per connection). */
export interface SearchBacklog {
  /** Indexes up to `limit` rows of the backlog in one IMMEDIATE transaction; how many it indexed. */
  indexSome(limit: number): number;
  /** Indexes the whole backlog, a batch per transaction, waiting (asynchronously) for another writer's lock. */
  catchUp(): Promise<number>;
}

/**
 * `offThread`: indexes up to `limit` rows with another connection (the row thread's,
 * sqlite-row-thread.ts `indexBacklogOffThread`), so a search's catch-up does not hold the event
 * loop; should it fail, the catch-up goes on here.
 */
export function prepareSearchBacklog(db: Database.Database, offThread?: (limit: number) => Promise<number>): SearchBacklog {
  const upto = db.prepare(`SELECT indexed_upto FROM search_backlog WHERE id = 1`).pluck();
  const rows = db.prepare(`SELECT ${ROW_TEXTS} FROM interactions WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`);
  const one = db.prepare(`SELECT ${ROW_TEXTS} FROM interactions WHERE id = ?`);
  const setUpto = db.prepare(`UPDATE search_backlog SET indexed_upto = ? WHERE id = 1`);
  const insert = prepareWordsInsert(db);
  const batch = db.transaction((limit: number): number => {
    const list = rowsAfter(db, rows, one, (upto.get() as number | undefined) ?? 0, Number.MAX_SAFE_INTEGER, limit);
    for (const r of list) insert(r.take_id, r.position, rowWords(r));
    const last = list.at(-1);
    if (last) setUpto.run(last.id);
    return list.length;
  });
  const indexSome = (limit: number): number => batch.immediate(limit);
  const some = async (limit: number): Promise<number> =>
    offThread ? offThread(limit).catch(() => whenNotBusy(() => indexSome(limit))) : whenNotBusy(() => indexSome(limit));
  return {
    indexSome,
    async catchUp() {
      let total = 0;
      for (;;) {
        const n = await some(CATCH_UP_BATCH);
        total += n;
        if (n < CATCH_UP_BATCH) return total;
      }
    },
  };
}

/** Per read-only connection: the highest row id whose words are in its temporary backlog table. */
const readState = new WeakMap<Database.Database, { upto: number }>();

/**
 * A read-only reader's view of the backlog: the words of the rows the store has not indexed yet
 * go into `temp.take_words_backlog` (this connection's own; the file is not written), which the
 * search then reads beside `take_words` (SQLITE_BACKLOG_DIALECT). Later searches add only rows
 * newer than the last one read. Returns whether the temporary table exists (has anything to add).
 */
export function readBacklog(db: Database.Database): boolean {
  const indexed = (db.prepare(`SELECT indexed_upto FROM search_backlog WHERE id = 1`).pluck().get() as number | undefined) ?? 0;
  const newest = (db.prepare(`SELECT MAX(id) FROM interactions`).pluck().get() as number | null) ?? 0;
  let state = readState.get(db);
  // Rows were removed since (their ids may come back): read the backlog again from the store's watermark.
  if (state && newest < state.upto) {
    db.exec(`DROP TABLE temp.take_words_backlog`);
    readState.delete(db);
    state = undefined;
  }
  const from = Math.max(indexed, state?.upto ?? 0);
  if (newest <= from) return state !== undefined;
  if (!state) {
    db.exec(
      `CREATE VIRTUAL TABLE temp.take_words_backlog USING fts5(words, content = '', contentless_delete = 1, detail = none, tokenize = 'ascii')`,
    );
    readState.set(db, (state = { upto: 0 }));
  }
  const insert = prepareWordsInsert(db, 'temp.take_words_backlog');
  // In batches with all(), not iterate(): the connection cannot write its temporary table while it reads.
  const rows = db.prepare(`SELECT ${ROW_TEXTS} FROM interactions WHERE id > ? AND id <= ? ORDER BY id LIMIT ?`);
  const one = db.prepare(`SELECT ${ROW_TEXTS} FROM interactions WHERE id = ?`);
  for (let after = from; after < newest;) {
    const list = rowsAfter(db, rows, one, after, newest, CATCH_UP_BATCH);
    for (const r of list) insert(r.take_id, r.position, rowWords(r));
    after = list.at(-1)?.id ?? newest;
  }
  state.upto = newest;
  return true;
}

/**
 * Indexes the backlog of a recording store while it is idle: each COMMIT only notes the time
 * (`touch`); a timer (one per store, unref'd) fires when nothing was committed for IDLE_MS and
 * indexes IDLE_BATCH rows at a time until the backlog is empty or recording resumes. So a long
 * recording leaves little for the first search, and no recorded call pays for words. A file
 * store's batches run on the row thread (`indexSome` returns a promise): a row holding a huge
 * answer takes SQLite a few hundred milliseconds to read, which the event loop must not spend
 * while other streams flow (issue 13 item 14).
 */
export class IdleSearchIndexer {
  #last = 0;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #stopped = false;

  constructor(
    private readonly indexSome: (limit: number) => number | Promise<number>,
    private readonly idleMs = IDLE_MS,
    /** The backlog is empty and nothing was committed meanwhile (the row thread's connection may go). */
    private readonly drained?: () => void,
  ) {}

  /** After a COMMIT of recorded rows. */
  touch(): void {
    this.#last = Date.now();
    if (!this.#timer && !this.#running && !this.#stopped) this.#arm(this.idleMs);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#fire(), ms);
    this.#timer.unref();
  }

  #fire(): void {
    this.#timer = undefined;
    if (this.#stopped) return;
    const quiet = Date.now() - this.#last;
    if (quiet < this.idleMs) return this.#arm(this.idleMs - quiet);
    const started = this.#last;
    // Another process holds the write lock (or the store is closing): try again after the next pause.
    const retry = (): void => this.#arm(this.idleMs);
    let n: number | Promise<number>;
    try {
      n = this.indexSome(IDLE_BATCH);
    } catch {
      return retry();
    }
    // A full batch: more to do. A short one: done, unless rows were committed meanwhile.
    const next = (k: number): void => {
      if (this.#stopped) return;
      if (k === IDLE_BATCH) this.#arm(0);
      else if (this.#last !== started) this.#arm(this.idleMs);
      else this.drained?.();
    };
    if (typeof n === 'number') return next(n);
    this.#running = true;
    n.then(
      (k) => {
        this.#running = false;
        next(k);
      },
      () => {
        this.#running = false;
        if (!this.#stopped) retry();
      },
    );
  }
}
