import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { CassetteError, toCassetteError } from '../errors.js';
import type { Logger } from '../log.js';
import { openStore } from '../store/open-store.js';
import type { RunRecord, ServedTake, TestResult } from '../store/run-record.js';
import type { Mode } from '../types.js';
import { parseJunit } from './parse-junit.js';

/** A new, sortable run id: the start time plus 8 random hex digits. */
export function newRunId(startedAt: Date): string {
  return `${startedAt.toISOString()}-${randomBytes(4).toString('hex')}`;
}

/**
 * The tests of the runner's JUnit report, read after the child exits. A report missing or older
 * than the run (the runner crashed before writing it) gives undefined and a warning: the run is
 * still recorded, only without per-test outcomes.
 */
export function readJunitAfterRun(path: string, startedAt: Date, logger: Logger): TestResult[] | undefined {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(path).mtimeMs;
  } catch {
    logger.warn({ junit: path }, `--junit ${path}: the command wrote no JUnit report; the run is recorded without tests`);
    return undefined;
  }
  // One second of slack: some filesystems keep modification times in whole seconds.
  if (mtimeMs < startedAt.getTime() - 1000) {
    logger.warn({ junit: path }, `--junit ${path} is older than the run; the run is recorded without tests`);
    return undefined;
  }
  return parseJunit(readFileSync(path, 'utf8'), path);
}

/** What `cassette run` knows when its child has exited. */
export interface FinishedRun {
  startedAt: Date;
  endedAt: Date;
  mode: Mode;
  episode: string;
  exitCode: number;
  hits: number;
  misses: number;
  recorded: number;
  served: ServedTake[];
  tests: TestResult[] | undefined;
  repeat?: RunRecord['repeat'];
  label?: string;
  id?: string;
}

/** The ledger record of a finished run. */
export function toRunRecord(run: FinishedRun): RunRecord {
  const record: RunRecord = {
    id: run.id ?? newRunId(run.startedAt),
    startedAt: run.startedAt.toISOString(),
    endedAt: run.endedAt.toISOString(),
    durationMs: run.endedAt.getTime() - run.startedAt.getTime(),
    mode: run.mode,
    episode: run.episode,
    exitCode: run.exitCode,
    hits: run.hits,
    misses: run.misses,
    recorded: run.recorded,
    served: run.served,
  };
  if (run.tests) record.tests = run.tests;
  if (run.repeat) record.repeat = run.repeat;
  if (run.label !== undefined) record.label = run.label;
  return record;
}

/** Adds the run to the ledger of the store at `location`; a failure is store_write_failed. */
export async function appendToLedger(location: string, record: RunRecord): Promise<void> {
  let store;
  try {
    store = await openStore(location);
  } catch (err) {
    throw new CassetteError('store_write_failed', `cannot record the run in ${location}: ${toCassetteError(err).message}`, { cause: err });
  }
  try {
    await store.recordRun(record);
  } finally {
    await store.close();
  }
}
