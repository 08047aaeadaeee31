import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { providersGeneration } from '../providers/registry.js';
import type { Redactor } from '../safety/create-redactor.js';
import type { LargeAnswerResult, LargeAnswerTask } from './finish-large-answer.js';

/**
 * Decoded bytes from which an answer's recording is finished on a worker thread: below it the
 * work (a few ms) costs less than the trip to the thread. Measured in docs/architecture.md.
 */
export const LARGE_ANSWER_BYTES = 1024 * 1024;

/** How long an idle worker is kept before it is stopped (its memory given back). */
const IDLE_MS = 10_000;

let cachedEnv: { raw: string | undefined; bytes: number } | undefined;

/**
 * The threshold in force: `CASSETTE_LARGE_ANSWER_BYTES` (a test knob, docs/operations.md: `0`
 * sends every answer to the worker, `Infinity` none), else LARGE_ANSWER_BYTES.
 */
export function largeAnswerBytes(): number {
  const raw = process.env.CASSETTE_LARGE_ANSWER_BYTES;
  if (cachedEnv !== undefined && cachedEnv.raw === raw) return cachedEnv.bytes;
  const n = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
  cachedEnv = { raw, bytes: n >= 0 ? n : LARGE_ANSWER_BYTES };
  return cachedEnv.bytes;
}

/**
 * The worker's script. Built, it lies beside this module; run from the TypeScript sources (the
 * tests), the built copy in dist/ is used. Undefined when there is none: the event loop does the work.
 */
const workerFile = ((): string | undefined => {
  const here = fileURLToPath(import.meta.url);
  const candidates = here.endsWith('.ts')
    ? [here.replace(/([\\/])src([\\/]upstream[\\/])large-answer\.ts$/, '$1dist$2large-answer-worker.js')]
    : [here.replace(/large-answer\.js$/, 'large-answer-worker.js')];
  return candidates.find((c) => c.endsWith('.js') && existsSync(c));
})();

/**
 * True when this answer's work can be done by the worker exactly as the event loop would: the
 * redactor can be rebuilt from its rules, and no provider module was registered at run time (the
 * worker knows the built-in ones only, so its assemblers are the same).
 */
export function canFinishOffThread(redactor: Redactor): boolean {
  return workerFile !== undefined && redactor.rules !== undefined && providersGeneration() === 0;
}

let finished = 0;

/** How many answers this process has finished on the worker (for tests and diagnostics). */
export function answersFinishedOffThread(): number {
  return finished;
}

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (r: LargeAnswerResult) => void; reject: (e: Error) => void }>();
let idle: NodeJS.Timeout | undefined;

/**
 * Runs one large answer's task on the worker (started on first use, stopped when idle). Rejects
 * when the worker fails or cannot start: the caller then does the work on the event loop.
 */
export function finishOffThread(task: Omit<LargeAnswerTask, 'id'>, transfer: ArrayBuffer[] = []): Promise<LargeAnswerResult> {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    let w: Worker;
    try {
      w = workerOf();
      pending.set(id, { resolve, reject });
      w.postMessage({ ...task, id }, transfer);
    } catch (err) {
      pending.delete(id);
      reject(err as Error);
      return;
    }
    clearTimeout(idle);
  });
}

function workerOf(): Worker {
  if (worker) return worker;
  if (workerFile === undefined) throw new Error('the large-answer worker script is missing');
  const w = new Worker(workerFile);
  // Never what keeps the process alive: the server is.
  w.unref();
  w.on('message', (result: LargeAnswerResult) => {
    const waiting = pending.get(result.id);
    pending.delete(result.id);
    if (result.error !== undefined) waiting?.reject(new Error(result.error));
    else {
      finished++;
      waiting?.resolve(result);
    }
    if (pending.size === 0) {
      idle = setTimeout(() => {
        if (worker === w && pending.size === 0) {
          worker = undefined;
          void w.terminate();
        }
      }, IDLE_MS);
      idle.unref();
    }
  });
  const fail = (err: Error): void => {
    if (worker !== w) return;
    worker = undefined;
    for (const waiting of pending.values()) waiting.reject(err);
    pending.clear();
  };
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`the large-answer worker exited (code ${code})`)));
  worker = w;
  return w;
}
