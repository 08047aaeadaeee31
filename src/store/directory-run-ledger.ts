import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CassetteError } from '../errors.js';
import { writeFileAtomic } from './atomic-write.js';
import { filterRuns, type RunFilter, type RunRecord } from './run-record.js';

/** The run ledger of a directory store: `DIR/_runs/<id>.json`, one file per run (never an episode name). */
export const RUNS_DIR = '_runs';

const RUN_FILE = /^[0-9TZ:.-]+-[0-9a-f]+\.json$/;

/** Writes one run file atomically; two machines appending runs never touch the same file. */
export function writeRunFile(root: string, run: RunRecord): void {
  const dir = join(root, RUNS_DIR);
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, `${fileSafe(run.id)}.json`), `${JSON.stringify(run, null, 2)}\n`);
}

/** Every run file, newest first. */
export function readRunFiles(root: string, filter: RunFilter = {}): RunRecord[] {
  let names: string[];
  try {
    names = readdirSync(join(root, RUNS_DIR)).filter((n) => RUN_FILE.test(n));
  } catch {
    return [];
  }
  const runs = names.map((name) => {
    const path = join(root, RUNS_DIR, name);
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as RunRecord;
    } catch (err) {
      throw new CassetteError('store_unreadable', `cannot read the run file ${path}: ${(err as Error).message}`, { cause: err });
    }
  });
  return filterRuns(runs, filter);
}

// Colons are legal on Linux and macOS but not on Windows: keep run file names portable.
function fileSafe(id: string): string {
  return id.replace(/:/g, '-');
}
