import { availableParallelism } from 'node:os';
import { LazyWorker, workerScript } from '../util/lazy-worker.js';
import { preparedBuffers, type PreparedJson } from '../util/prepared-json.js';
import type { TakeDigest } from './episode-summary.js';

/**
 * One row of a group written by the thread: the row as `insertParams` makes it (its JSON already
 * serialised on the event loop) and the counts it adds to its take's summary. Its search words are
 * indexed after the COMMIT (sqlite-search-backlog.ts).
 */
export interface GroupRow {
  row: Record<string, unknown>;
  /** A continued take: a position another process used since goes to the end. */
  checkPosition: boolean;
  /** `addCountsToDigest` of the interaction alone (no words). */
  counts: TakeDigest;
}

/** What became of one row of a group: its error, or the position it was stored at. */
export type GroupRowResult = { error: string; code?: string } | { position: number };

/**
 * What the row thread is asked: write one row (and its take's summary), a group of rows in one
 * transaction, index a batch of the search backlog, or close a store's connection.
 */
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
  | {
      op: 'group';
      path: string;
      rows: GroupRow[];
      /** The store's checkpointer thread runs (sqlite-checkpointer.ts): no automatic checkpoint in this COMMIT. */
      checkpointer: boolean;
    }
  | { op: 'index'; path: string; limit: number }
  | { op: 'close'; path: string };

/** Stores the row thread has a connection to: it is kept while it holds one. */
const open = new Set<string>();

const worker = new LazyWorker<RowQuestion, { id: number; inserted?: boolean; results?: GroupRowResult[]; indexed?: number }>(
  workerScript(import.meta.url, 'sqlite-row-worker'),
  10_000,
  () => open.size > 0,
);

/** True when rows can be written off the event loop (the worker's script is there). */
export function canInsertOffThread(): boolean {
  return worker.available;
}

/**
 * Whether a store's group commits go to the writer thread: only when asked for
 * (CASSETTE_SQLITE_WRITER_THREAD=on, docs/operations.md) and the process may use two cores. Each
 * group costs a message there and its answer back (~20-30 µs of CPU per message on a loaded 2-core
 * machine), which is pure cost when both share one core (session 4's writer thread lost 15-27%
 * there); unpinned on 2 cores it took CPU off the event loop but not req/s (docs/benchmarks.md,
 * finding 9), and a WebSocket session's write then commits later after its close, so it stays
 * off by default.
 */
export function groupCommitsOffThread(): boolean {
  return worker.available && writerThread === 'on' && availableParallelism() >= 2;
}

let writerThread: 'on' | 'off' | undefined;

/** Overrides `groupCommitsOffThread` for the stores of this process (undefined: decide by the cores). */
export function chooseWriterThread(choice: 'on' | 'off' | undefined): void {
  writerThread = choice;
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

/**
 * Writes a group of rows in one IMMEDIATE transaction of the row thread's connection to `path`:
 * each row, and once per take the sum of its rows' counts, then the COMMIT.
 * Resolves once committed, with each row's result (a row that fails alone fails alone, as in
 * `SqliteStore.appendGroup` on the event loop); rejects when the transaction fails as a whole
 * (nothing of the group is stored).
 */
export async function writeGroupOffThread(path: string, rows: GroupRow[], checkpointer: boolean): Promise<GroupRowResult[]> {
  open.add(path);
  const answer = await worker.ask({ op: 'group', path, rows, checkpointer });
  groupsWritten++;
  return answer.results ?? [];
}

let groupsWritten = 0;

/** Group commits the writer thread has made in this process (tests). */
export function groupsWrittenOffThread(): number {
  return groupsWritten;
}

/**
 * Indexes up to `limit` rows of the search backlog of the store at `path` in one transaction of the
 * row thread's connection (sqlite-search-backlog.ts); resolves with how many it indexed.
 */
export async function indexBacklogOffThread(path: string, limit: number): Promise<number> {
  open.add(path);
  const answer = await worker.ask({ op: 'index', path, limit });
  backlogBatches++;
  return answer.indexed ?? 0;
}

let backlogBatches = 0;

/** Batches of the search backlog the row thread has indexed in this process (tests). */
export function backlogBatchesOffThread(): number {
  return backlogBatches;
}

/** How many stores the row thread holds a connection to (tests). */
export function storesOnRowThread(): number {
  return open.size;
}

/** Closes the row thread's connection to `path` (before the store's own connection closes). */
export async function closeOffThread(path: string): Promise<void> {
  if (!open.delete(path)) return;
  await worker.ask({ op: 'close', path }).catch(() => undefined);
}
