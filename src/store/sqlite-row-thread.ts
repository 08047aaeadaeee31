import { LazyWorker, workerScript } from '../util/lazy-worker.js';
import { preparedBuffers, type PreparedJson } from '../util/prepared-json.js';
import type { TakeDigest } from './episode-summary.js';

/** What the row thread is asked: write one row (and its take's summary), or close a store's connection. */
export type RowQuestion =
  | {
      op: 'insert';
      path: string;
      row: Record<string, unknown>;
      digest: TakeDigest | undefined;
      checkPosition: boolean;
      /** The row's `data` as prepared pieces (its large parts as bytes), joined by the thread. */
      json?: PreparedJson;
    }
  | { op: 'close'; path: string };

/** Stores the row thread has a connection to: it is kept while it holds one. */
const open = new Set<string>();

const worker = new LazyWorker<RowQuestion, { id: number; inserted?: boolean }>(
  workerScript(import.meta.url, 'sqlite-row-worker'),
  10_000,
  () => open.size > 0,
);

/** True when rows can be written off the event loop (the worker's script is there). */
export function canInsertOffThread(): boolean {
  return worker.available;
}

/**
 * Writes one row and its take's summary in one transaction of the row thread's own connection to
 * `path`. Resolves true once committed, false when `checkPosition` found the position taken
 * (nothing written); rejects with SQLite's error. With `json`, the row's `data` is joined from it
 * by the thread, and the bytes of its parts are moved there (they are gone from this thread).
 */
export async function insertOffThread(
  path: string,
  row: Record<string, unknown>,
  digest: TakeDigest | undefined,
  checkPosition: boolean,
  json?: PreparedJson,
): Promise<boolean> {
  open.add(path);
  const answer = await worker.ask(
    { op: 'insert', path, row, digest, checkPosition, ...(json ? { json } : {}) },
    json ? preparedBuffers(json) : [],
  );
  return answer.inserted === true;
}

/** Closes the row thread's connection to `path` (before the store's own connection closes). */
export async function closeOffThread(path: string): Promise<void> {
  if (!open.delete(path)) return;
  await worker.ask({ op: 'close', path }).catch(() => undefined);
}
