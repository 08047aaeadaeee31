import { largeAnswerBytesKnob } from '../config/environment.js';
import { providersGeneration } from '../providers/registry.js';
import type { RewriteRule } from '../types.js';
import type { LargeAnswerResult, LargeAnswerTask, OffThreadFinisher } from '../upstream/large-answer-task.js';
import { LazyWorker, workerScript } from '../util/lazy-worker.js';

/**
 * Decoded bytes from which an answer's recording is finished on a worker thread: below it the
 * work (a few ms) costs less than the trip to the thread. Measured in docs/architecture.md.
 */
export const LARGE_ANSWER_BYTES = 1024 * 1024;

let cachedEnv: { raw: string | undefined; bytes: number } | undefined;

/**
 * The threshold in force: `CASSETTE_LARGE_ANSWER_BYTES` (a test knob, docs/operations.md: `0`
 * sends every answer to the worker, `Infinity` none), else LARGE_ANSWER_BYTES.
 */
export function largeAnswerBytes(): number {
  const raw = largeAnswerBytesKnob();
  if (cachedEnv !== undefined && cachedEnv.raw === raw) return cachedEnv.bytes;
  const n = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
  cachedEnv = { raw, bytes: n >= 0 ? n : LARGE_ANSWER_BYTES };
  return cachedEnv.bytes;
}

/** One thread for every large answer of the process, stopped after 10 s without one. */
const worker = new LazyWorker<Omit<LargeAnswerTask, 'id'>, LargeAnswerResult>(workerScript(import.meta.url, 'large-answer-worker'), 10_000);

/**
 * True when this answer's work can be done by the worker exactly as the event loop would: the
 * redactor can be rebuilt from its rules, and no provider module was registered at run time (the
 * worker knows the built-in ones only, so its assemblers are the same).
 */
export function canFinishOffThread(rules: readonly RewriteRule[] | undefined): boolean {
  return worker.available && rules !== undefined && providersGeneration() === 0;
}

/** How many answers this process has finished on the worker (for tests and diagnostics). */
export function answersFinishedOffThread(): number {
  return worker.answered;
}

/**
 * Runs one large answer's task on the worker. Rejects when the worker fails or cannot start: the
 * caller then does the work on the event loop.
 */
export function finishOffThread(task: Omit<LargeAnswerTask, 'id'>, transfer: ArrayBuffer[] = []): Promise<LargeAnswerResult> {
  return worker.ask(task, transfer);
}

/** What the pipeline gives each recorded call's capture. */
export const largeAnswerFinisher: OffThreadFinisher = {
  threshold: largeAnswerBytes,
  canFinish: canFinishOffThread,
  finish: finishOffThread,
};
