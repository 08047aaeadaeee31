import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CassetteError } from '../errors.js';
import { fsyncDir, removeDirIfEmpty, writeFileAtomic } from './atomic-write.js';
import { isProcessAlive } from './process-identity.js';

/** Name of the side-file directory under the store root (its `_` keeps it apart from episode ids). */
export const BLOB_DIR = '_blobs';

/** Stores `bytes` as `<blobDir>/<sha256>.bin` unless already there; returns the hex digest. */
export function writeBlob(blobDir: string, bytes: Uint8Array): string {
  const hex = createHash('sha256').update(bytes).digest('hex');
  const path = join(blobDir, `${hex}.bin`);
  if (sizeOf(path) === bytes.length) return hex; // content-addressed: same name, same bytes
  mkdirSync(blobDir, { recursive: true });
  // Always fsynced, unlike journal lines: a journal line may point at it before any fold runs.
  writeFileAtomic(path, bytes);
  return hex;
}

/** Reads a side file back, checking its length and digest. */
export function readBlob(blobDir: string, hex: string, bytes: number): Buffer {
  const path = join(blobDir, `${hex}.bin`);
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (err) {
    throw new CassetteError('store_unreadable', `missing blob ${path}: ${(err as Error).message}`, { cause: err });
  }
  if (data.length !== bytes || createHash('sha256').update(data).digest('hex') !== hex) {
    throw new CassetteError('store_unreadable', `damaged blob ${path}: its bytes do not match its name`);
  }
  return data;
}

function sizeOf(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

const BLOB_FILE = /^([0-9a-f]{64})\.bin$/;
// A temporary file of writeFileAtomic beside a blob (TEMP_MARKER), with the writer's pid.
const BLOB_LEFTOVER = /^[0-9a-f]{64}\.bin\.tmp-(\d+)-[0-9a-f]+$/;
// `"$blob": "sha256:<hex>"` as the serializers write it (pretty take files, compact journal lines).
const REFERENCE = /"\$blob"\s*:\s*"sha256:([0-9a-f]{64})"/g;
const DIGEST = /^sha256:([0-9a-f]{64})$/;

/** Digests of the blob files in `blobDir`, sorted; none when it does not exist. */
export function listBlobs(blobDir: string): string[] {
  return safeReaddir(blobDir)
    .flatMap((name) => BLOB_FILE.exec(name)?.[1] ?? [])
    .sort();
}

/**
 * Adds to `into` every blob a take file's or journal's text refers to. It may name more than the
 * reader would follow (a reference in a torn or damaged line), never fewer: blob collection relies
 * on it. Without a `\u` escape in the text a `$blob` key can only be spelled as REFERENCE matches
 * it; with one, the text is parsed and walked, as the reader does.
 */
export function addBlobReferences(text: string, into: Set<string>): void {
  for (const m of text.matchAll(REFERENCE)) into.add(m[1] as string);
  if (!text.includes('\\u')) return;
  for (const doc of parseLoosely(text)) walkReferences(doc, into);
}

/**
 * Deletes the blob files whose digest is not in `keep`, and temporary files left by dead writers.
 * Call holding the lock, with no writer of another thread or process live (see DirectoryStore).
 */
export function deleteBlobsExcept(blobDir: string, keep: ReadonlySet<string>): void {
  for (const name of safeReaddir(blobDir)) {
    const hex = BLOB_FILE.exec(name)?.[1];
    const pid = Number(BLOB_LEFTOVER.exec(name)?.[1]);
    const leftover = pid > 0 && (pid === process.pid || !isProcessAlive(pid));
    if ((hex !== undefined && !keep.has(hex)) || leftover) rmSync(join(blobDir, name), { force: true });
  }
  fsyncDir(blobDir);
  removeDirIfEmpty(blobDir); // writeBlob creates it again when needed
}

/** The whole text as one JSON document, else each line that parses (a journal). */
function parseLoosely(text: string): unknown[] {
  try {
    return [JSON.parse(text)];
  } catch {
    return text.split('\n').flatMap((line) => {
      try {
        return [JSON.parse(line) as unknown];
      } catch {
        return [];
      }
    });
  }
}

function walkReferences(value: unknown, into: Set<string>): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) walkReferences(v, into);
    return;
  }
  const record = value as Record<string, unknown>;
  const hex = typeof record.$blob === 'string' ? DIGEST.exec(record.$blob)?.[1] : undefined;
  if (hex !== undefined && Object.hasOwn(record, '$blob')) into.add(hex);
  for (const v of Object.values(record)) walkReferences(v, into);
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
