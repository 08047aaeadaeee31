// The SQLite writer thread (src/store/sqlite-row-thread.ts), with a connection of its own per
// store. It writes the recorded rows of a file store: the group commits of the recorder when asked
// for (rows, take summaries, the COMMIT), so the event loop only hands over prepared rows and goes
// on serving; large rows alone, since a 20 MiB row takes SQLite a second or more to write; and the
// search words of rows already committed (sqlite-search-backlog.ts), a batch at a time.
import Database from 'better-sqlite3';
import { parentPort } from 'node:worker_threads';
import { emptyDigest, mergeDigestCounts, type TakeDigest } from './episode-summary.js';
import { prepareDigestUpsert, SEARCH_SCHEMA, type DigestUpsert } from './sqlite-episode-summaries.js';
import { SQLITE_BUSY_WAIT_MS } from './sqlite-busy.js';
import { prepareInsert } from './sqlite-store.js';
import { prepareSearchBacklog, type SearchBacklog } from './sqlite-search-backlog.js';
import type { GroupRow, GroupRowResult, RowQuestion } from './sqlite-row-thread.js';
import { joinPreparedJson } from '../util/prepared-json.js';

interface Connection {
  db: Database.Database;
  insert: Database.Statement;
  /** The same insert, its `data` bound as UTF-8 bytes (a BLOB) and stored as the TEXT they are. */
  insertBytes: Database.Statement;
  positionTaken: Database.Statement;
  maxPosition: Database.Statement;
  upsert: DigestUpsert | undefined;
  /** SQLite's automatic checkpoint is on (it is off while the store's checkpointer thread runs). */
  autoCheckpoint: boolean;
  /** Prepared on the first batch of the search backlog this thread indexes. */
  backlog?: SearchBacklog;
}

const connections = new Map<string, Connection>();

function connectionOf(path: string): Connection {
  const open = connections.get(path);
  if (open) return open;
  const db = new Database(path, { fileMustExist: true });
  // This thread may wait for the write lock synchronously: it is not the event loop.
  db.pragma(`busy_timeout = ${SQLITE_BUSY_WAIT_MS}`);
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // The same condition as the event loop's writer (SqliteStore): the schema that has the summaries.
  const summaries = (db.pragma('user_version', { simple: true }) as number) >= SEARCH_SCHEMA;
  const c: Connection = {
    db,
    insert: prepareInsert(db),
    insertBytes: prepareInsert(db, 'CAST(@data AS TEXT)'),
    positionTaken: db.prepare(`SELECT 1 FROM interactions WHERE take_id = ? AND position = ?`),
    maxPosition: db.prepare(`SELECT MAX(position) AS p FROM interactions WHERE take_id = ?`),
    upsert: summaries ? prepareDigestUpsert(db) : undefined,
    autoCheckpoint: true,
  };
  connections.set(path, c);
  return c;
}

/**
 * A group commit, as `SqliteStore.appendGroup` does it on the event loop: one IMMEDIATE
 * transaction; a row that fails alone fails alone; each take's summary gets the sum of its stored
 * rows once, before the COMMIT. An error that rolls the transaction back (SQLITE_FULL, an I/O
 * error) fails the rest of the group, and the COMMIT then fails the whole of it (thrown).
 */
function writeGroup(c: Connection, rows: GroupRow[]): GroupRowResult[] {
  return c.db
    .transaction(() => {
      const sums = new Map<number, TakeDigest>();
      const results = rows.map((r): GroupRowResult => {
        try {
          if (!c.db.inTransaction) throw new Error('an earlier error rolled back this group of appends');
          const row = r.row as { take_id: number; position: number; data: string };
          // Several processes continuing one take (record-missing on a fleet) each count positions
          // from what they saw when they opened it: a position another process used since goes to
          // the end, in the column and in the row's JSON (rare: parsed and written again here; a
          // JSON text written by JSON.stringify comes back the same but for the position).
          if (r.checkPosition && c.positionTaken.get(row.take_id, row.position)) {
            row.position = ((c.maxPosition.get(row.take_id) as { p: number | null }).p ?? 0) + 1;
            row.data = JSON.stringify({ ...(JSON.parse(row.data) as object), position: row.position });
          }
          c.insert.run(r.row);
          if (c.upsert) {
            let sum = sums.get(row.take_id);
            if (!sum) sums.set(row.take_id, (sum = emptyDigest()));
            mergeDigestCounts(sum, r.counts);
          }
          return { position: row.position };
        } catch (err) {
          const code = (err as { code?: unknown }).code;
          return { error: (err as Error).message, ...(typeof code === 'string' ? { code } : {}) };
        }
      });
      // A summary that cannot be written fails the group (rolled back whole), as a failed COMMIT would.
      if (c.db.inTransaction && c.upsert) for (const [takeId, sum] of sums) c.upsert(takeId, sum);
      return results;
    })
    .immediate();
}

function answer(q: RowQuestion): { inserted?: boolean; results?: GroupRowResult[]; indexed?: number } {
  if (q.op === 'close') {
    connections.get(q.path)?.db.close();
    connections.delete(q.path);
    return {};
  }
  const c = connectionOf(q.path);
  if (q.op === 'index') return { indexed: (c.backlog ??= prepareSearchBacklog(c.db)).indexSome(q.limit) };
  if (q.op === 'group') {
    // As the event loop's connection does (SqliteStore #committed): with the checkpointer thread
    // running, a COMMIT never copies the WAL into the file itself; without it, SQLite's own
    // checkpoint keeps the WAL bounded.
    if (c.autoCheckpoint === q.checkpointer) {
      c.db.pragma(`wal_autocheckpoint = ${q.checkpointer ? 0 : 1000}`);
      c.autoCheckpoint = !q.checkpointer;
    }
    return { results: writeGroup(c, q.rows) };
  }
  const row = q.row as { take_id: number; position: number };
  // The row and its take's summary commit together, as on the event loop (SqliteTakeWriter.appendNow).
  return c.db
    .transaction(() => {
      // A position another process took since (record-missing continuing a take on a fleet): the
      // event loop writes it the usual way, which moves it to the end.
      if (q.checkPosition && c.positionTaken.get(row.take_id, row.position)) return { inserted: false };
      if (q.json) c.insertBytes.run({ ...q.row, data: joinPreparedJson(q.json) });
      else c.insert.run(q.row);
      if (q.digest && c.upsert) c.upsert(row.take_id, q.digest);
      return { inserted: true };
    })
    .immediate();
}

parentPort?.on('message', (q: RowQuestion & { id: number }) => {
  try {
    parentPort?.postMessage({ id: q.id, ...answer(q) });
  } catch (err) {
    parentPort?.postMessage({ id: q.id, error: (err as Error).message, code: (err as { code?: string }).code });
  }
});
