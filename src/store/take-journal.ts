import { closeSync, existsSync, fstatSync, ftruncateSync, openSync, readSync, rmSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { writeAll, writeFileAtomic } from './atomic-write.js';
import { identityFields, ownerState, type ProcessIdentity } from './process-identity.js';
import { assertStoredInteraction, readIfExists, unreadable, type TakeHeader } from './take-file.js';
import { mayHaveBlobs, type StoredInteraction } from './stored-interaction.js';

/**
 * The append-only journal of a take being written, `take-<n>.journal.jsonl`: one JSON line each,
 * first `{"type":"take",...header,"appends":"locked","pid":P,"thread":T,"host":H,"pidns":N,"start":S}`
 * (the identity of the writer that created it: process-identity.ts), then
 * `{"type":"interaction","interaction":{...}}` per append, and `{"type":"close","closedAt":...}`
 * when a session ends cleanly. Several writers (record-missing processes continuing one take)
 * may share it: every line is appended holding the store lock (`"appends":"locked"`), so whoever
 * holds the lock may fold the journal into the take file at any time; the next append creates it
 * again. A journal without that mark comes from an older version whose writer appended through
 * an open file without the lock: while that writer lives, nobody else touches it.
 */
export interface JournalContent {
  header: TakeHeader;
  /** Process and worker thread of the writer, and where that pid means something (host, namespace). */
  pid: number;
  thread: number;
  owner: ProcessIdentity;
  /** Every line was appended under the store lock (this version): safe to fold or share at any time. */
  locked: boolean;
  interactions: StoredInteraction[];
  closedAt?: string;
  mayHaveBlobs: boolean;
}

export type JournalLine =
  | ({ type: 'take'; appends?: 'locked'; pid: number; thread?: number; host?: string; pidns?: string; start?: string } & TakeHeader)
  | { type: 'interaction'; interaction: StoredInteraction }
  | { type: 'close'; closedAt: string };

/** Creates the journal with its header line (whole or not at all). Call holding the lock. */
export function createJournal(path: string, header: TakeHeader): void {
  if (existsSync(path)) throw new Error(`${path} exists already`);
  const { closedAt: _closedAt, ...fields } = header;
  const line = { type: 'take', ...fields, appends: 'locked', ...identityFields(), thread: threadId };
  writeFileAtomic(path, `${JSON.stringify(line)}\n`);
}

/**
 * Appends lines to an existing journal and returns its size after them. Call holding the lock.
 * No fsync: the lines are in the OS page cache when this returns, so they survive `kill -9` of
 * this process; only a power cut can lose them (the durability SQLite gets from
 * `synchronous = NORMAL`). The fold fsyncs the whole take.
 */
export function appendJournal(path: string, lines: readonly JournalLine[]): number {
  const bytes = Buffer.from(lines.map((l) => `${JSON.stringify(l)}\n`).join(''), 'utf8');
  const fd = openSync(path, 'a');
  try {
    const size = fstatSync(fd).size;
    try {
      writeAll(fd, bytes);
    } catch (err) {
      // A failed append (disk full, file too large) may have written part of a line: cut it off,
      // so that lines appended once there is room again do not follow a damaged one.
      try {
        ftruncateSync(fd, size);
      } catch {
        // The torn tail stays; the next writer cuts it off (readJournalTail) before appending.
      }
      throw err;
    }
    return size + bytes.length;
  } finally {
    closeSync(fd);
  }
}

/** Where a writer last left a journal: its inode and the bytes it has seen (read or written). */
export interface JournalMark {
  ino: number;
  size: number;
}

/**
 * The interactions other writers appended to the journal since `mark`, read holding the lock; with
 * no mark (or a journal that is not the marked one: folded and created again), every line. A torn
 * tail (a writer killed mid-line while it held the lock) is cut off: nobody was told it was
 * stored. Undefined when there is no journal.
 */
export function readJournalTail(
  path: string,
  mark: JournalMark | undefined,
): { fresh: boolean; header: JournalLine | undefined; interactions: StoredInteraction[]; mark: JournalMark } | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const { ino, size } = fstatSync(fd);
    const fresh = mark === undefined || mark.ino !== ino || mark.size > size;
    const from = fresh ? 0 : mark.size;
    const bytes = Buffer.alloc(size - from);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, from + read);
      if (n === 0) break;
      read += n;
    }
    const end = bytes.lastIndexOf(0x0a, read - 1) + 1;
    if (from + end < size) ftruncateSync(fd, from + end);
    let header: JournalLine | undefined;
    const interactions: StoredInteraction[] = [];
    for (const text of bytes.subarray(0, end).toString('utf8').split('\n')) {
      if (text === '') continue;
      let line: JournalLine;
      try {
        line = JSON.parse(text) as JournalLine;
      } catch {
        continue; // damage in the middle: readers report it; appending more does not make it worse
      }
      if (line.type === 'take') header = line;
      else if (line.type === 'interaction') interactions.push(line.interaction);
    }
    return { fresh, header, interactions, mark: { ino, size: from + end } };
  } finally {
    closeSync(fd);
  }
}

/**
 * True when the journal's writer may still append to it: left alone by folds (which it does
 * itself when it finishes). This thread appends only under the lock and never half-way, so its
 * own journals are never live. A writer on another host or in another pid namespace (a container
 * sharing the volume) counts as live: its pid means nothing here.
 */
export function journalIsLive(_path: string, journal: Pick<JournalContent, 'pid' | 'thread'> & { owner?: ProcessIdentity }): boolean {
  const { pid, thread } = journal;
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  const state = ownerState(journal.owner ?? { pid });
  if (state !== 'self') return state !== 'gone';
  // Another thread of this process: its journals are out of sight, so assume it still writes.
  return thread !== threadId;
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
  const { type: _type, appends, pid, thread = 0, host, pidns, start, ...header } = head;
  const owner: ProcessIdentity = { pid };
  if (typeof host === 'string') owner.host = host;
  if (typeof pidns === 'string') owner.pidns = pidns;
  if (typeof start === 'string') owner.start = start;
  const content: JournalContent = {
    header,
    pid,
    thread,
    owner,
    locked: appends === 'locked',
    interactions: [],
    mayHaveBlobs: mayHaveBlobs(text),
  };
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
