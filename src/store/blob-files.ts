import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CassetteError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';

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
