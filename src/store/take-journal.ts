import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { threadId } from 'node:worker_threads';
import { writeAll, writeFileAtomic } from './atomic-write.js';
import { identityFields, ownerState, type ProcessIdentity } from './process-identity.js';
import { assertStoredInteraction, readIfExists, unreadable, type TakeHeader } from './take-file.js';
import { mayHaveBlobs, type StoredInteraction } from './stored-interaction.js';

/**
 * The append-only journal of a take being written, `take-<n>.journal.jsonl`: one JSON line each,
 * first `{"type":"take",...header,"pid":P,"thread":T,"host":H,"pidns":N,"start":S}` (the writer's
 * identity: process-identity.ts), then `{"type":"interaction","interaction":{...}}`
 * per append, and `{"type":"close","closedAt":...}` when the session ends cleanly.
 */
export interface JournalContent {
  header: TakeHeader;
  /** Process and worker thread of the writer, and where that pid means something (host, namespace). */
  pid: number;
  thread: number;
  owner: ProcessIdentity;
  interactions: StoredInteraction[];
  closedAt?: string;
  mayHaveBlobs: boolean;
}

type JournalLine =
  | ({ type: 'take'; pid: number; thread?: number; host?: string; pidns?: string; start?: string } & TakeHeader)
  | { type: 'interaction'; interaction: StoredInteraction }
  | { type: 'close'; closedAt: string };

// Journals this thread is appending to: a journal naming our pid and thread but absent here was
// left by a store that was never closed, so it is as orphaned as a dead pid's.
const open = new Set<string>();

/** Creates the journal with its header line (whole or not at all), opens it for appends. Under the lock. */
export function createJournal(path: string, header: TakeHeader): number {
  if (existsSync(path)) throw new Error(`${path} exists already`);
  writeFileAtomic(path, `${JSON.stringify({ type: 'take', ...header, ...identityFields(), thread: threadId })}\n`);
  const fd = openSync(path, 'a');
  open.add(resolve(path));
  return fd;
}

/**
 * Appends one line. No fsync: the line is in the OS page cache when this returns, so it survives
 * `kill -9` of this process; only a power cut can lose it (the durability SQLite gets from
 * `synchronous = NORMAL`). The fold fsyncs the whole take.
 */
export function appendJournal(fd: number, line: JournalLine): void {
  const bytes = Buffer.from(`${JSON.stringify(line)}\n`, 'utf8');
  const size = fstatSync(fd).size;
  try {
    writeAll(fd, bytes);
  } catch (err) {
    // A failed append (disk full, file too large) may have written part of the line: cut it off,
    // so that lines appended once there is room again do not follow a damaged one.
    try {
      ftruncateSync(fd, size);
    } catch {
      // The torn tail stays; readJournal ignores it as long as nothing follows.
    }
    throw err;
  }
}

/** Stops appending to a journal. */
export function closeJournal(fd: number, path: string): void {
  open.delete(resolve(path));
  closeSync(fd);
}

/**
 * True when the journal's writer may still append to it. A writer on another host or in another
 * pid namespace (a container sharing the volume) counts as live: its pid means nothing here, and
 * folding a journal it still appends to would lose what it acknowledged.
 */
export function journalIsLive(path: string, journal: Pick<JournalContent, 'pid' | 'thread'> & { owner?: ProcessIdentity }): boolean {
  const { pid, thread } = journal;
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  const state = ownerState(journal.owner ?? { pid });
  if (state !== 'self') return state !== 'gone';
  // Another thread of this process: its journals are out of sight, so assume it still writes.
  return thread !== threadId || open.has(resolve(path));
}

/**
 * Reads a journal; undefined when there is none. A torn tail (the line being written when the
 * writer died, or garbage after it) is ignored; a bad line followed by good ones is damage.
 */
export function readJournal(path: string): JournalContent | undefined {
  const text = readIfExists(path);
  if (text === undefined) return undefined;
  const lines = text.split('\n');
  lines.pop(); // '' after the final newline, or a torn line without one
  const parsed: JournalLine[] = [];
  let firstBad = -1;
  lines.forEach((line, n) => {
    let value: JournalLine;
    try {
      value = JSON.parse(line) as JournalLine;
    } catch {
      if (firstBad < 0) firstBad = n;
      return;
    }
    if (firstBad >= 0) throw unreadable(path, `line ${firstBad + 1} is damaged`);
    parsed.push(value);
  });
  const head = parsed[0];
  if (head?.type !== 'take') throw unreadable(path, 'the journal has no header line');
  const { type: _type, pid, thread = 0, host, pidns, start, ...header } = head;
  const owner: ProcessIdentity = { pid };
  if (typeof host === 'string') owner.host = host;
  if (typeof pidns === 'string') owner.pidns = pidns;
  if (typeof start === 'string') owner.start = start;
  const content: JournalContent = { header, pid, thread, owner, interactions: [], mayHaveBlobs: mayHaveBlobs(text) };
  for (const line of parsed.slice(1)) {
    if (line.type === 'interaction') {
      assertStoredInteraction(line.interaction, path);
      content.interactions.push(line.interaction);
    } else if (line.type === 'close') {
      content.closedAt = line.closedAt;
    }
  }
  return content;
}

/** Deletes a journal after its content went into the take file. */
export function removeJournal(path: string): void {
  rmSync(path, { force: true });
}
