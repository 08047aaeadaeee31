// The thread that writes large interaction rows (src/store/sqlite-row-thread.ts) with a SQLite
// connection of its own per store: a 20 MiB row takes SQLite a second or more to write, and on
// the event loop that second silences every other call.
import Database from 'better-sqlite3';
import { parentPort } from 'node:worker_threads';
import { prepareDigestUpsert, SEARCH_SCHEMA, type DigestUpsert } from './sqlite-episode-summaries.js';
import { SQLITE_BUSY_WAIT_MS } from './sqlite-busy.js';
import { prepareInsert } from './sqlite-store.js';
import type { RowQuestion } from './sqlite-row-thread.js';
import { joinPreparedJson } from '../util/prepared-json.js';

interface Connection {
  db: Database.Database;
  insert: Database.Statement;
  /** The same insert, its `data` bound as UTF-8 bytes (a BLOB) and stored as the TEXT they are. */
  insertBytes: Database.Statement;
  positionTaken: Database.Statement;
  upsert: DigestUpsert | undefined;
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
    upsert: summaries ? prepareDigestUpsert(db) : undefined,
  };
  connections.set(path, c);
  return c;
}

function answer(q: RowQuestion): { inserted?: boolean } {
  if (q.op === 'close') {
    connections.get(q.path)?.db.close();
    connections.delete(q.path);
    return {};
  }
  const c = connectionOf(q.path);
  const row = q.row as { take_id: number; position: number };
  // The row and its take's summary commit together, as on the event loop (SqliteTakeWriter.appendNow).
  return c.db
    .transaction(() => {
      // A position another process took since (record-missing continuing a take on a fleet): the
      // event loop writes it the usual way, which moves it to the end.
      if (q.checkPosition && c.positionTaken.get(row.take_id, row.position)) return { inserted: false };
      if (q.json) c.insertBytes.run({ ...q.row, data: joinPreparedJson(q.json) });
      else c.insert.run(q.row);
      if (q.digest && c.upsert) c.upsert(row.take_id, q.digest, row.position);
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
