import { setTimeout as sleep } from 'node:timers/promises';

/**
 * How long SQLite itself may wait for a lock, synchronously (its `busy_timeout`). better-sqlite3
 * runs on the event loop, so this is how long one attempt can freeze the whole proxy: kept short.
 * A reader in WAL mode waits only for the moment another process switches the journal mode.
 */
export const SQLITE_SYNC_WAIT_MS = 20;

/** How long a write waits in all for another process's write lock before it fails (was `busy_timeout = 10000`). */
export const SQLITE_BUSY_WAIT_MS = 10_000;

/** SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT, ...): another connection holds the lock. */
export function isSqliteBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

/**
 * Runs a synchronous write until it gets SQLite's lock: on SQLITE_BUSY it sleeps (1, 2, 4 ... 50 ms)
 * and tries again, so while another process holds the write lock, this one keeps serving other
 * requests (issue 13 item 11). Past `waitMs` the last SQLITE_BUSY error is thrown. `work` must be
 * safe to run again after a busy failure: a transaction (rolled back whole) or one statement.
 */
export async function whenNotBusy<T>(work: () => T, waitMs = SQLITE_BUSY_WAIT_MS): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    try {
      return work();
    } catch (err) {
      if (!isSqliteBusy(err) || Date.now() >= deadline) throw err;
    }
    await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
  }
}
