import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * Group commits of a SQLite store on a worker thread (issue 20). Committing a group blocks for
 * the WAL writes and, now and then, a checkpoint with its fsync: 150–400 µs per row of wall time
 * on a shared machine against 45–90 µs of CPU. On the proxy's event loop that time stalls every
 * other request; on a worker of its own it overlaps with forwarding.
 *
 * The durability promise is the same: a row's promise resolves only after its group's COMMIT
 * returned on the worker's connection (WAL, `synchronous = NORMAL`: a SIGKILL of the process
 * after that loses nothing), and the recorder holds the end of the answer until then.
 *
 * The main thread prepares the rows (the JSON of each interaction, take ids, positions): the
 * worker only inserts and commits, with the same rules as the in-thread group commit: a row that
 * fails fails alone, and after an error that rolled the transaction back the rest of the group
 * is reported failed, never committed row by row.
 */
export interface AppendWorker {
  /** Inserts one group in one IMMEDIATE transaction; per row, undefined (stored) or the error. */
  insertGroup(rows: readonly Record<string, unknown>[]): Promise<(Error | undefined)[]>;
  /** Waits for what is queued, closes the worker's connection and ends the thread. */
  close(): Promise<void>;
}

// Plain CommonJS run with `eval`: the same code whether the store module runs from dist/ or
// from the TypeScript sources (tests), and no separate file to ship or resolve.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 10000');
db.pragma('synchronous = NORMAL');
db.pragma('foreign_keys = ON');
const insert = db.prepare(workerData.insertSql);
const begin = db.prepare('BEGIN IMMEDIATE');
const commit = db.prepare('COMMIT');
const rollback = db.prepare('ROLLBACK');
parentPort.on('message', (msg) => {
  if (msg.close) {
    db.close();
    parentPort.postMessage({ id: msg.id, closed: true });
    parentPort.close();
    return;
  }
  const results = msg.rows.map(() => null);
  try {
    begin.run();
    msg.rows.forEach((row, n) => {
      // SQLite rolls a transaction back by itself on some errors (SQLITE_FULL, IOERR): the rest of
      // the group would then commit row by row, and be reported failed with the group although stored.
      if (!db.inTransaction) {
        results[n] = 'an earlier error rolled back this group of appends';
        return;
      }
      try {
        insert.run(row);
      } catch (err) {
        results[n] = String(err && err.message ? err.message : err);
      }
    });
    // An error rolled the whole transaction back: nothing of the group is stored.
    if (!db.inTransaction) throw new Error(results.find((m) => m !== null) || 'the group was rolled back');
    commit.run();
  } catch (err) {
    if (db.inTransaction) {
      try { rollback.run(); } catch {}
    }
    // The commit itself failed: nothing of this group is stored.
    const message = String(err && err.message ? err.message : err);
    parentPort.postMessage({ id: msg.id, all: message });
    return;
  }
  parentPort.postMessage({ id: msg.id, results });
});
`;

interface Reply {
  id: number;
  results?: (string | null)[];
  all?: string;
  closed?: boolean;
}

/** Starts the worker for the store at `path` (already migrated, in WAL mode). */
export function startAppendWorker(path: string, insertSql: string): AppendWorker {
  const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, insertSql, sqlite } });
  worker.unref();
  const pending = new Map<number, (r: Reply) => void>();
  let nextId = 0;
  let failure: Error | undefined;
  const settleAll = (err: Error): void => {
    failure = err;
    for (const done of pending.values()) done({ id: -1, all: err.message });
    pending.clear();
  };
  worker.on('message', (r: Reply) => {
    const done = pending.get(r.id);
    pending.delete(r.id);
    if (pending.size === 0) worker.unref();
    done?.(r);
  });
  worker.on('error', (err) => settleAll(err));
  worker.on('exit', (code) => {
    if (pending.size > 0) settleAll(new Error(`the store's writer thread stopped (exit code ${code})`));
    failure ??= new Error("the store's writer thread is closed");
  });
  const send = (message: Record<string, unknown>): Promise<Reply> => {
    if (failure) return Promise.resolve({ id: -1, all: failure.message });
    const id = ++nextId;
    return new Promise((resolve) => {
      pending.set(id, resolve);
      // Referenced while a group is in flight: the process waits for its commit before it exits.
      worker.ref();
      worker.postMessage({ ...message, id });
    });
  };
  // One group in flight at a time: groups that arrive meanwhile go together in the next one, so
  // under load a commit (and a round trip to the thread) serves more rows.
  let queued: { rows: readonly Record<string, unknown>[]; done: (r: (Error | undefined)[]) => void }[] = [];
  let inFlight = false;
  const flush = async (): Promise<void> => {
    inFlight = true;
    while (queued.length > 0) {
      const groups = queued;
      queued = [];
      const r = await send({ rows: groups.flatMap((g) => g.rows) });
      const all = r.all === undefined ? undefined : new Error(r.all);
      let k = 0;
      for (const g of groups) {
        const results = g.rows.map(() => {
          const message = r.results?.[k++];
          return all ?? (typeof message === 'string' ? new Error(message) : undefined);
        });
        g.done(results);
      }
    }
    inFlight = false;
  };
  return {
    insertGroup(rows) {
      return new Promise((done) => {
        queued.push({ rows, done });
        if (!inFlight) void flush();
      });
    },
    async close() {
      if (failure) return;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      await send({ close: true });
      // Referenced until it is gone: an awaited exit of an unreferenced thread would let the
      // process end with this promise unsettled.
      worker.ref();
      await exited;
    },
  };
}
