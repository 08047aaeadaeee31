import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * WAL checkpoints of a recording SQLite store, off the event loop (issue 20).
 *
 * SQLite's automatic checkpoint runs inside the COMMIT that pushes the WAL past 1000 pages: that
 * COMMIT copies ~4 MiB into the database file and fsyncs it, 50–200 ms (mostly waiting for the
 * disk) during which the proxy serves nothing. Here the recording connection turns it off, and
 * once the WAL holds `CHECKPOINT_BYTES` a thread with a connection of its own checkpoints in two
 * steps:
 *
 * 1. PASSIVE: copies what is in the WAL, without any lock: the proxy keeps committing meanwhile.
 * 2. TRUNCATE: copies the little written during step 1 and empties the WAL. It needs the write
 *    lock, so the store holds its appends back (asynchronously: `held`) until it is done. A
 *    PASSIVE checkpoint alone never empties the WAL under steady commits (session 5's attempt:
 *    36 MiB of WAL for 25 MiB of rows), because new frames keep arriving while it runs.
 *
 * Durability does not move: a row is acknowledged after its COMMIT into the WAL, which a SIGKILL
 * does not lose (the next open replays the WAL); a checkpoint only copies committed pages. Two
 * messages per checkpoint, none per commit (the writer thread of session 4 paid a round trip
 * per commit and lost on one core).
 */
export interface Checkpointer {
  /**
   * After a COMMIT of recorded rows: starts a checkpoint when the WAL is large enough. With the
   * rows' size in `bytes` the WAL's size is looked up once per STAT_EVERY_BYTES written rather
   * than per commit (a `stat` per commit was 0.7% of the live proxy's time).
   */
  committed(bytes?: number): void;
  /** While step 2 runs: appends wait for this (never longer than `HOLD_MS`). */
  readonly held: Promise<void> | undefined;
  /** Waits for a running checkpoint, closes the thread's connection and ends it. */
  close(): Promise<void>;
}

/** The WAL size that starts a checkpoint: about SQLite's own (1000 pages of 4 KiB). */
export const CHECKPOINT_BYTES = 4 * 1024 * 1024;
/** Row bytes committed between two looks at the WAL's size (the WAL grows by more: pages, indexes, search words). */
export const STAT_EVERY_BYTES = 256 * 1024;
/** The longest appends are held for step 2; past it they go on (and wait for the lock, asynchronously, if need be). */
const HOLD_MS = 500;
/** How long step 2 waits for another process's write lock or readers before giving up until next time. */
const RESTART_WAIT_MS = 200;

// Plain CommonJS run with `eval`: the same code from dist/ and from the TypeScript sources (tests).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
db.pragma('wal_autocheckpoint = 0');
parentPort.on('message', (step) => {
  if (step === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  let error = null;
  try {
    db.pragma('busy_timeout = ' + (step === 'PASSIVE' ? 0 : ${RESTART_WAIT_MS}));
    db.pragma('wal_checkpoint(' + step + ')');
  } catch (err) {
    // Another process's lock (SQLITE_BUSY) only postpones the checkpoint to the next one.
    if (!(err && typeof err.code === 'string' && err.code.startsWith('SQLITE_BUSY'))) error = String(err && err.message ? err.message : err);
  }
  parentPort.postMessage({ step, error });
});
`;

/**
 * The checkpointer of the store at `path` (a file in WAL mode), or undefined when no thread can be
 * started here: the caller then leaves SQLite's automatic checkpoint on. `onStop` is called once
 * if the thread fails or a checkpoint errs: the caller turns the automatic checkpoint back on, so
 * the WAL never grows without bound.
 */
export function startCheckpointer(path: string, onStop: () => void): Checkpointer | undefined {
  let worker: Worker;
  try {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, sqlite } });
  } catch {
    return undefined;
  }
  // Never what keeps a process alive: an unfinished checkpoint is finished by the next one.
  worker.unref();
  const wal = `${path}-wal`;
  let running = false;
  /** Row bytes committed since the WAL's size was last looked at. */
  let unchecked = 0;
  let stopped = false;
  let closing = false;
  let release: (() => void) | undefined;
  const self: { held: Promise<void> | undefined } & Omit<Checkpointer, 'held'> = {
    held: undefined,
    committed(bytes) {
      if (bytes !== undefined) {
        unchecked += bytes;
        if (unchecked < STAT_EVERY_BYTES) return;
      }
      unchecked = 0;
      if (running || stopped || walSize(wal) < CHECKPOINT_BYTES) return;
      running = true;
      worker.postMessage('PASSIVE');
    },
    async close() {
      if (stopped) return;
      closing = true;
      stop();
      // Messages are handled in order: a running checkpoint ends before the connection closes.
      worker.postMessage('close');
      worker.ref();
      await exited;
    },
  };
  const hold = (): void => {
    let timer: NodeJS.Timeout | undefined;
    self.held = new Promise<void>((resolve) => {
      release = () => {
        clearTimeout(timer);
        self.held = undefined;
        release = undefined;
        resolve();
      };
    });
    timer = setTimeout(() => release?.(), HOLD_MS);
    timer.unref();
  };
  const stop = (): void => {
    release?.();
    if (stopped) return;
    stopped = true;
    if (!closing) onStop();
  };
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  exited.then(stop, stop);
  worker.on('error', stop);
  worker.on('message', (reply: { step: string; error: string | null }) => {
    if (reply.error !== null) {
      stop();
      void worker.terminate();
      return;
    }
    if (reply.step === 'PASSIVE' && !stopped) {
      // This runs between two of the event loop's turns, so no transaction of ours is open.
      hold();
      worker.postMessage('TRUNCATE');
      return;
    }
    release?.();
    running = false;
  });
  return self;
}

function walSize(wal: string): number {
  try {
    return statSync(wal).size;
  } catch {
    return 0;
  }
}
