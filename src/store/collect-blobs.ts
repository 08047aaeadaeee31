import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { addBlobReferences, BLOB_DIR, deleteBlobsExcept, listBlobs } from './blob-files.js';
import { isEpisodeDirName } from './episode-dir-name.js';
import { journalPath, readIfExists, takeFilePath, takeNumbers } from './take-file.js';
import { ownerState, type ProcessIdentity } from './process-identity.js';
import { journalIsLive } from './take-journal.js';

/**
 * Deletes the blobs of the directory store at `root` that no take file or journal refers to any
 * more; runs after a removal, holding the lock. Reading those files is enough because every
 * writer of this version writes or reuses a blob and appends the journal line naming it under one
 * hold of the lock (DirectoryTakeWriter.appendHeld): none is half-way through while this runs. A
 * journal of an older version, whose live writer appends without the lock, may be: while one is
 * live, nothing is deleted and the next removal collects. Best effort: the removal itself is
 * done, and `cassette verify` reports blobs left behind.
 */
export function collectBlobs(root: string): void {
  const blobDir = join(root, BLOB_DIR);
  try {
    if (listBlobs(blobDir).length === 0) return;
    const scan = scanBlobReferences(root);
    if (!scan.othersWriting) deleteBlobsExcept(blobDir, scan.referenced);
  } catch {
    // A file that cannot be read hides its references: stop, leaving the remaining blobs.
  }
}

/** Blob files (digests) of the directory store at `root` that no take file or journal refers to. */
export function findUnreferencedBlobs(root: string): string[] {
  // Listed before the scan: a blob written meanwhile has its journal line by the time it is read.
  const blobs = listBlobs(join(root, BLOB_DIR));
  if (blobs.length === 0) return [];
  const { referenced } = scanBlobReferences(root);
  return blobs.filter((hex) => !referenced.has(hex));
}

/** Every blob the take files and journals refer to, and whether another thread or process has a live journal. */
function scanBlobReferences(root: string): { referenced: Set<string>; othersWriting: boolean } {
  const referenced = new Set<string>();
  let othersWriting = false;
  for (const episode of readdirSync(root)) {
    if (!isEpisodeDirName(episode)) continue;
    const dir = join(root, episode);
    for (const take of takeNumbers(dir)) {
      // The journal first, as readTake does: a fold renames the take file into place before deleting it.
      const journal = readIfExists(journalPath(dir, take));
      if (journal !== undefined) {
        addBlobReferences(journal, referenced);
        othersWriting ||= writtenElsewhere(journalPath(dir, take), journal);
      }
      const file = readIfExists(takeFilePath(dir, take));
      if (file !== undefined) addBlobReferences(file, referenced);
    }
  }
  return { referenced, othersWriting };
}

/** True when another process or thread may still append to this journal without the lock (an older version). */
function writtenElsewhere(path: string, text: string): boolean {
  // The header line is written whole before any append (createJournal): without one, the journal
  // is damaged, not being written.
  const end = text.indexOf('\n');
  let head: { appends?: unknown; pid?: unknown; thread?: unknown; host?: unknown; pidns?: unknown; start?: unknown } | null;
  try {
    head = JSON.parse(text.slice(0, end < 0 ? 0 : end)) as typeof head;
  } catch {
    return false;
  }
  if (head?.appends === 'locked') return false;
  const pid = Number(head?.pid);
  const thread = Number(head?.thread ?? 0);
  const owner: ProcessIdentity = { pid };
  if (typeof head?.host === 'string') owner.host = head.host;
  if (typeof head?.pidns === 'string') owner.pidns = head.pidns;
  if (typeof head?.start === 'string') owner.start = head.start;
  // Our own thread's journals are ours; the same pid in another namespace or host is not us.
  const mine = ownerState(owner) === 'self' && thread === threadId;
  return !mine && journalIsLive(path, { pid, thread, owner });
}
