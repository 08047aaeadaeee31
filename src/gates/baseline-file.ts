import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CassetteError } from '../errors.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import type { PerfStats } from './perf-stats.js';

/** `cassette gate --write-baseline FILE`: the statistics of one selection, committed next to the code. */
export interface BaselineFile {
  version: 1;
  writtenAt: string;
  /** What was measured (`run 2026-…`, `newest takes`). */
  source: string;
  groups: PerfStats[];
}

export function writeBaselineFile(path: string, source: string, groups: PerfStats[], now = new Date()): void {
  const file: BaselineFile = { version: 1, writtenAt: now.toISOString(), source, groups };
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`);
}

/** Reads a baseline file; a missing or malformed one is bad usage naming the path. */
export function readBaselineFile(path: string): BaselineFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CassetteError('bad_usage', `--baseline ${path}: no such baseline file (nor run[:…] or take[:…])`, {
      cause: err,
      hint: 'Write one with `cassette gate --write-baseline FILE`, or pass --baseline run:previous.',
    });
  }
  let file: BaselineFile;
  try {
    file = JSON.parse(text) as BaselineFile;
  } catch (err) {
    throw new CassetteError('bad_usage', `--baseline ${path}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (file?.version !== 1 || !Array.isArray(file.groups)) {
    throw new CassetteError('bad_usage', `--baseline ${path}: not a baseline file of version 1`);
  }
  return file;
}
