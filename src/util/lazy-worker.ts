import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/**
 * The file of a worker module that lies beside the calling module (`import.meta.url`). Built, it
 * is the `.js` next to it; run from the TypeScript sources (the tests), the built copy in dist/
 * is used. Undefined when there is none: the caller then does the work on the event loop.
 */
export function workerScript(callerUrl: string, name: string): string | undefined {
  const here = fileURLToPath(callerUrl);
  const file = here.endsWith('.ts')
    ? here.replace(/([\\/])src([\\/](?:[^\\/]+[\\/])*)[^\\/]+\.ts$/, `$1dist$2${name}.js`)
    : here.replace(/[^\\/]+\.js$/, `${name}.js`);
  return file.endsWith(`${name}.js`) && existsSync(file) ? file : undefined;
}

interface Reply {
  id: number;
  error?: string;
  code?: string;
}

/**
 * One worker thread started on first use, asked questions by id (it answers `{ id, … }`, or
 * `{ id, error, code }`). It never keeps the process alive, and is stopped after `idleMs` without
 * work unless `keep()` says it holds something (open connections). A worker that fails or exits
 * fails what was asked of it; the next question starts a new one.
 */
export class LazyWorker<Ask extends object, Answer extends Reply> {
  readonly #file: string | undefined;
  readonly #idleMs: number;
  readonly #keep: () => boolean;
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, { resolve: (a: Answer) => void; reject: (e: Error) => void }>();
  #idle: NodeJS.Timeout | undefined;
  /** Questions answered without error. */
  answered = 0;

  constructor(file: string | undefined, idleMs: number, keep: () => boolean = () => false) {
    this.#file = file;
    this.#idleMs = idleMs;
    this.#keep = keep;
  }

  get available(): boolean {
    return this.#file !== undefined;
  }

  /** Asks the worker; rejects when it answers an error, fails or cannot start. */
  ask(question: Ask, transfer: ArrayBuffer[] = []): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      try {
        const w = this.#workerOf();
        // While it has work the thread keeps the process alive: what was handed to it (a row
        // being committed) is finished, or fails, before the process may end.
        if (this.#pending.size === 0) w.ref();
        this.#pending.set(id, { resolve, reject });
        clearTimeout(this.#idle);
        w.postMessage({ ...question, id }, transfer);
      } catch (err) {
        this.#pending.delete(id);
        reject(err as Error);
      }
    });
  }

  #workerOf(): Worker {
    if (this.#worker) return this.#worker;
    if (this.#file === undefined) throw new Error('the worker script is missing (not built?)');
    const w = new Worker(this.#file);
    // Idle, never what keeps the process alive: the server is.
    w.unref();
    w.on('message', (answer: Answer) => {
      const waiting = this.#pending.get(answer.id);
      this.#pending.delete(answer.id);
      if (answer.error !== undefined) waiting?.reject(Object.assign(new Error(answer.error), answer.code ? { code: answer.code } : {}));
      else {
        this.answered++;
        waiting?.resolve(answer);
      }
      if (this.#pending.size === 0) {
        w.unref();
        this.#stopWhenIdle(w);
      }
    });
    const fail = (err: Error): void => {
      if (this.#worker !== w) return;
      this.#worker = undefined;
      for (const waiting of this.#pending.values()) waiting.reject(err);
      this.#pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`the worker thread exited (code ${code})`)));
    this.#worker = w;
    return w;
  }

  #stopWhenIdle(w: Worker): void {
    this.#idle = setTimeout(() => {
      if (this.#worker !== w || this.#pending.size > 0 || this.#keep()) return;
      this.#worker = undefined;
      void w.terminate();
    }, this.#idleMs);
    this.#idle.unref();
  }
}
