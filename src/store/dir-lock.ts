import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CassetteError } from '../errors.js';
import { describeOwner, identityFields, ownerState, type ProcessIdentity } from './process-identity.js';

/** How long a writer waits for another one before giving up (like SQLite's busy_timeout). */
const LOCK_TIMEOUT_MS = 10_000;
/** A lock file without a pid is a writer killed between creating and filling it once this old. */
const EMPTY_LOCK_STALE_MS = 5_000;

// Locks this thread holds, with their nesting depth: the locked work is synchronous, so a lock
// held by this thread is always held by the caller further up the stack.
const held = new Map<string, number>();

/**
 * Runs `fn` holding `DIR/.lock`, created with `wx` and holding the writer's identity (pid, host,
 * pid namespace, start time: process-identity.ts). Serializes take numbering, folding and removal
 * across processes; appends never take it. Waiting for another writer never blocks the event
 * loop: the retries sleep asynchronously (with backoff), and `fn` runs synchronously once the
 * lock is ours, so it is never held across an await. Rejects with store_write_failed when
 * another live writer keeps it longer than 10 s, or when it belongs to a writer on another host
 * or in another pid namespace (a container sharing the volume) that does not let it go.
 */
export async function withDirLock<T>(root: string, fn: () => T): Promise<T> {
  const path = join(root, '.lock');
  if ((held.get(path) ?? 0) === 0) {
    const deadline = Date.now() + LOCK_TIMEOUT_MS;
    let wait = 1;
    while (!tryAcquire(path, deadline)) {
      await sleep(wait);
      wait = Math.min(wait * 2, 50);
    }
  } else {
    held.set(path, (held.get(path) ?? 0) + 1);
  }
  return runHeld(path, fn);
}

/** Runs `fn` with the lock counted as held (acquire set depth 1, or a nested call added one). */
function runHeld<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } finally {
    const depth = (held.get(path) ?? 1) - 1;
    if (depth === 0) {
      held.delete(path);
      rmSync(path, { force: true });
    } else {
      held.set(path, depth);
    }
  }
}

/** One attempt: true when the lock is ours (a stale one is broken first); throws past the deadline. */
function tryAcquire(path: string, deadline: number): boolean {
  for (let tries = 0; tries < 3; tries++) {
    if (tryCreate(path)) {
      held.set(path, 1);
      return true;
    }
    if (!breakIfStale(path)) break;
  }
  if (Date.now() > deadline) {
    const holder = readHolder(path);
    const foreign = holder !== undefined && ownerState(holder) === 'foreign';
    throw new CassetteError(
      'store_write_failed',
      `the store is locked by another writer (${path}, ${holder ? describeOwner(holder) : 'pid ?'}${foreign ? ', on another host or in another pid namespace' : ''})`,
      {
        hint: foreign
          ? 'Another container or machine shares this store directory. Its lock is never broken from here: stop that writer, or remove the lock file if it is gone.'
          : 'Wait for the other cassette process, or remove the lock file if no cassette process is running.',
      },
    );
  }
  return false;
}

/**
 * Creates the lock holding our identity, `<pid> <json>` (older readers parse the leading pid);
 * false when it exists.
 */
function tryCreate(path: string): boolean {
  try {
    const fd = openSync(path, 'wx');
    try {
      writeSync(fd, `${process.pid} ${JSON.stringify(identityFields())}\n`);
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
  const holder = parseHolder(text);
  // Our own process counts as alive (another thread of it may hold the lock); a writer on another
  // host or in another pid namespace is never judged from here (issue 13 items 12 and 13).
  const stale = holder === undefined ? Date.now() - mtimeMs > EMPTY_LOCK_STALE_MS : ownerState(holder) === 'gone';
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

function readHolder(path: string): ProcessIdentity | undefined {
  return parseHolder(readText(path));
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** `<pid>` (older versions) or `<pid> {"pid":…,"host":…,"pidns":…,"start":…}`. */
function parseHolder(text: string): ProcessIdentity | undefined {
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  const space = text.indexOf(' ');
  if (space === -1) return { pid };
  try {
    const parsed = JSON.parse(text.slice(space + 1)) as Partial<Record<keyof ProcessIdentity, unknown>>;
    const id: ProcessIdentity = { pid };
    if (typeof parsed.host === 'string') id.host = parsed.host;
    if (typeof parsed.pidns === 'string') id.pidns = parsed.pidns;
    if (typeof parsed.start === 'string') id.start = parsed.start;
    return id;
  } catch {
    return { pid };
  }
}
