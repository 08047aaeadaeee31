import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { CassetteError } from '../errors.js';

/** How long a writer waits for another one before giving up (like SQLite's busy_timeout). */
const LOCK_TIMEOUT_MS = 10_000;
/** A lock file without a pid is a writer killed between creating and filling it once this old. */
const EMPTY_LOCK_STALE_MS = 5_000;

// Locks this thread holds, with their nesting depth: everything here is synchronous, so a lock
// held by this thread is always held by the caller further up the stack.
const held = new Map<string, number>();

/**
 * Runs `fn` holding `DIR/.lock` (created with `wx`, holding the pid). Serializes take numbering,
 * folding and removal across processes; appends never take it. Throws store_write_failed when
 * another live writer keeps it longer than 10 s. Assumes the writers share one host (pids).
 */
export function withDirLock<T>(root: string, fn: () => T): T {
  const path = join(root, '.lock');
  const depth = held.get(path) ?? 0;
  if (depth === 0) acquire(path);
  held.set(path, depth + 1);
  try {
    return fn();
  } finally {
    if (depth === 0) {
      held.delete(path);
      rmSync(path, { force: true });
    } else {
      held.set(path, depth);
    }
  }
}

/** True when a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function acquire(path: string): void {
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  let wait = 1;
  for (;;) {
    if (tryCreate(path)) return;
    if (breakIfStale(path)) continue;
    if (Date.now() > deadline) {
      throw new CassetteError('store_write_failed', `the store is locked by another writer (${path}, pid ${readHolder(path) ?? '?'})`, {
        hint: 'Wait for the other cassette process, or remove the lock file if no cassette process is running.',
      });
    }
    sleepSync(wait);
    wait = Math.min(wait * 2, 50);
  }
}

/** Creates the lock holding our pid; false when it exists. */
function tryCreate(path: string): boolean {
  try {
    const fd = openSync(path, 'wx');
    try {
      writeSync(fd, `${process.pid}\n`);
    } catch (err) {
      rmSync(path, { force: true }); // never leave a lock without its holder's pid
      throw err;
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new CassetteError('store_write_failed', `cannot create the lock ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** Removes a lock whose holder is gone; true when the caller should retry at once. */
function breakIfStale(path: string): boolean {
  let text: string;
  let mtimeMs: number;
  try {
    text = readFileSync(path, 'utf8');
    mtimeMs = statSync(path).mtimeMs;
  } catch {
    return true; // released meanwhile
  }
  const pid = parsePid(text);
  // Our own pid counts as alive: another thread of this process may hold it.
  const stale = pid === undefined ? Date.now() - mtimeMs > EMPTY_LOCK_STALE_MS : !isProcessAlive(pid);
  if (!stale) return false;
  // Move the lock aside before deleting it: two processes breaking the same stale lock must not
  // delete the fresh lock the faster one has taken meanwhile.
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch {
    return true;
  }
  if (readText(aside) !== text) {
    // We moved a fresh lock: put it back unless someone has taken the name again.
    try {
      linkSync(aside, path);
    } catch {
      // taken again: the holder we displaced and the new one may now overlap (documented)
    }
  }
  rmSync(aside, { force: true });
  return true;
}

function readHolder(path: string): number | undefined {
  return parsePid(readText(path));
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function parsePid(text: string): number | undefined {
  const pid = Number.parseInt(text.trim(), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
