import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import stableStringify from 'fast-json-stable-stringify';
import { CassetteError } from '../errors.js';
import type { Interaction } from '../types.js';
import { writeFileAtomic } from './atomic-write.js';

/** The file name `cassette pin` writes and golden looks for in the working directory. */
export const LOCK_FILE = 'cassette.lock';

/** One pinned episode: the take golden serves and the hash of its content. */
export interface Pin {
  take: number;
  /** `sha256:<hex>` of the take's complete interactions (`takeHash`). */
  hash: string;
}

/** `cassette.lock`: episode → pin, committed with the tests. */
export interface PinLock {
  version: 1;
  episodes: Record<string, Pin>;
}

/**
 * The content hash of a take: its complete interactions in position order, as stable JSON, less
 * the episode id and take number (a take copied to another store, or imported under a new number,
 * keeps its hash; any change to a request, an answer, a timing or an added interaction changes it).
 */
export function takeHash(interactions: readonly Interaction[]): string {
  const h = createHash('sha256');
  for (const i of [...interactions].sort((a, b) => a.position - b.position)) {
    const { episode: _e, take: _t, ...content } = i;
    h.update(stableStringify(content));
    h.update('\n');
  }
  return `sha256:${h.digest('hex')}`;
}

/** Reads a lock file; a file that is not one is refused with bad_config naming it. */
export function readLock(path: string): PinLock {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CassetteError('bad_config', `${path}: not a readable cassette.lock: ${(err as Error).message}`, { cause: err });
  }
  const lock = parsed as Partial<PinLock>;
  if (lock.version !== 1 || typeof lock.episodes !== 'object' || lock.episodes === null)
    throw new CassetteError('bad_config', `${path}: not a cassette.lock (expected {"version":1,"episodes":{...}})`);
  for (const [episode, pin] of Object.entries(lock.episodes)) {
    if (!Number.isInteger(pin?.take) || typeof pin?.hash !== 'string' || !pin.hash.startsWith('sha256:'))
      throw new CassetteError('bad_config', `${path}: episodes.${episode}: expected {"take": N, "hash": "sha256:..."}`);
  }
  return { version: 1, episodes: lock.episodes };
}

/** Reads the lock at `path`, or an empty one when there is none. */
export function readLockOrEmpty(path: string): PinLock {
  return existsSync(path) ? readLock(path) : { version: 1, episodes: {} };
}

/** Writes the lock as stable JSON (sorted keys, two-space indent, final newline): diffs stay one line per change. */
export function writeLock(path: string, lock: PinLock): void {
  const sorted: Record<string, Pin> = {};
  for (const e of Object.keys(lock.episodes).sort()) {
    const pin = lock.episodes[e] as Pin;
    sorted[e] = { take: pin.take, hash: pin.hash };
  }
  writeFileAtomic(path, `${JSON.stringify({ version: 1, episodes: sorted }, null, 2)}\n`);
}
