import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir, writeFileAtomic } from './atomic-write.js';
import { isProcessAlive } from './process-identity.js';
import type { StoredInteraction } from './stored-interaction.js';
import { journalPath, readTakeFile, serializeTake, takeFilePath, takeNumbers, type TakeHeader, type TakeRecord } from './take-file.js';
import { journalIsLive, readJournal, removeJournal, type JournalContent } from './take-journal.js';

// A temporary file of writeFileAtomic (TEMP_MARKER) beside a take file or journal.
const LEFTOVER = /^take-\d+\.(?:json|journal\.jsonl)\.tmp-(\d+)-[0-9a-f]+$/;

/**
 * Reads take `take` of an episode: its file and its journal merged by position. The journal is
 * read first: a concurrent fold renames the new file into place before deleting the journal, so
 * whichever of the two this misses, the other holds the same interactions.
 */
export function readTake(episodeDir: string, episode: string, take: number): TakeRecord | undefined {
  const journal = readJournal(journalPath(episodeDir, take));
  const file = readTakeFile(takeFilePath(episodeDir, take));
  return mergeTake(episode, take, file, journal);
}

/**
 * Writes take-<n>.json (atomically, fsynced) from the file and the journal, then deletes the
 * journal (unless its writer is still alive). `closedAt` marks the take closed. Call holding the lock.
 */
export function foldTake(episodeDir: string, episode: string, take: number, closedAt?: string): void {
  const jPath = journalPath(episodeDir, take);
  const journal = readJournal(jPath);
  if (journal && journalIsLive(jPath, journal)) return; // another session is still appending
  const file = readTakeFile(takeFilePath(episodeDir, take));
  if (!journal && (!file || closedAt === undefined)) return;
  const record = mergeTake(episode, take, file, journal) as TakeRecord;
  if (closedAt !== undefined) record.header.closedAt = closedAt;
  writeFileAtomic(takeFilePath(episodeDir, take), serializeTake(record.header, record.interactions));
  if (journal) {
    removeJournal(jPath);
    fsyncDir(episodeDir);
  }
}

/** Folds journals whose writer is gone (a crash) and removes its temp files. Call holding the lock. */
export function foldOrphans(episodeDir: string, episode: string): void {
  for (const take of takeNumbers(episodeDir)) {
    const jPath = journalPath(episodeDir, take);
    const journal = readJournal(jPath);
    if (journal && !journalIsLive(jPath, journal)) foldTake(episodeDir, episode, take);
  }
  for (const name of safeReaddir(episodeDir)) {
    // Temp files in an episode directory are only written under the lock, which we hold: any
    // left is a leftover; the pid test is a second guard.
    const pid = Number(LEFTOVER.exec(name)?.[1]);
    if (pid > 0 && (pid === process.pid || !isProcessAlive(pid))) rmSync(join(episodeDir, name), { force: true });
  }
}

function mergeTake(
  episode: string,
  take: number,
  file: TakeRecord | undefined,
  journal: JournalContent | undefined,
): TakeRecord | undefined {
  const base = file?.header ?? journal?.header;
  if (base === undefined) return undefined;
  // The location names the take, whatever the file says: a copied episode directory stays valid.
  const header: TakeHeader = { episode, take, mode: base.mode, createdAt: base.createdAt };
  const closedAt = journal?.closedAt ?? file?.header.closedAt;
  if (closedAt !== undefined) header.closedAt = closedAt;
  const byPosition = new Map<number, StoredInteraction>();
  for (const i of file?.interactions ?? []) byPosition.set(i.position, i);
  for (const i of journal?.interactions ?? []) byPosition.set(i.position, i);
  const interactions = [...byPosition.values()].sort((a, b) => a.position - b.position);
  return { header, interactions, mayHaveBlobs: Boolean(file?.mayHaveBlobs) || Boolean(journal?.mayHaveBlobs) };
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
