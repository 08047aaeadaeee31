import { CassetteError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Store, TakeWriter } from '../store/store.js';
import type { Interaction, Mode } from '../types.js';

interface PendingAppend {
  interaction: Interaction;
  resolve: () => void;
  reject: (err: Error) => void;
}

/**
 * Writes recordings of one proxy session: one take per episode, opened on the first recording
 * (`live`: a new take; `record-missing`: the newest take, continued). Positions are handed out
 * when a request starts, so the take keeps call order even when answers finish out of order.
 */
export class Recorder {
  readonly #store: Store;
  readonly #mode: Mode;
  readonly #logger: Logger;
  readonly #onStoreError: 'fail' | 'forward';
  readonly #writers = new Map<string, TakeWriter>();
  readonly #occurrences = new Map<string, Map<string, number>>();
  #queue: PendingAppend[] = [];
  recorded = 0;
  failed = 0;

  constructor(store: Store, mode: Mode, logger: Logger, onStoreError: 'fail' | 'forward') {
    this.#store = store;
    this.#mode = mode;
    this.#logger = logger;
    this.#onStoreError = onStoreError;
  }

  /** Reserves the call position and the occurrence of `key` in the episode's take. */
  reserve(episode: string, key: string): { position: number; occurrence: number; take: () => number } {
    const writer = this.#writer(episode);
    let seen = this.#occurrences.get(episode);
    if (!seen) this.#occurrences.set(episode, (seen = new Map()));
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    // A take that cannot be opened (the store is unwritable) shows up as 0 here; the append that
    // follows meets the same failure and handles it as --on-store-error says.
    const take = (): number => {
      try {
        return writer.take;
      } catch {
        return 0;
      }
    };
    return { position: writer.nextPosition(), occurrence, take };
  }

  /**
   * Stores an interaction. Appends that arrive in one turn of the event loop are committed together
   * in one transaction (group commit): the promise resolves once this interaction's row is
   * committed, so holding an answer until then keeps the same durability as a commit per row.
   * A store failure is logged loudly and, with `--on-store-error fail`, rejects.
   */
  append(interaction: Interaction): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.#queue.length === 0) setImmediate(() => this.#flush());
      this.#queue.push({ interaction, resolve, reject });
    });
  }

  #flush(): void {
    const batch = this.#queue;
    if (batch.length === 0) return; // close() wrote it already
    this.#queue = [];
    const failed = new Map<PendingAppend, unknown>();
    try {
      this.#store.batch(() => {
        for (const p of batch) {
          try {
            this.#writer(p.interaction.episode).append(p.interaction);
          } catch (err) {
            // One bad row fails alone and the group goes on (the store refuses the rest of a
            // group whose transaction an error rolled back).
            failed.set(p, err);
          }
        }
      });
    } catch (err) {
      // The commit itself failed: nothing of this batch is stored.
      for (const p of batch) if (!failed.has(p)) failed.set(p, err);
    }
    for (const p of batch) {
      if (failed.has(p)) this.#fail(p, failed.get(p));
      else {
        this.recorded++;
        p.resolve();
      }
    }
  }

  #fail(p: PendingAppend, err: unknown): void {
    this.failed++;
    const lost = this.#onStoreError === 'forward' ? ' (the answer was forwarded; this interaction is NOT recorded)' : '';
    const error = new CassetteError(
      'store_write_failed',
      `could not write to the store ${this.#store.location}: ${(err as Error).message}${lost}`,
      {
        cause: err,
        hint: 'Check disk space and permissions; --on-store-error forward keeps proxying without recording.',
      },
    );
    this.#logger.error({ code: error.code, episode: p.interaction.episode, position: p.interaction.position }, error.message);
    if (this.#onStoreError === 'fail') p.reject(error);
    else p.resolve();
  }

  /** Closes every take this session opened (after writing what is still queued). */
  close(): void {
    if (this.#queue.length > 0) this.#flush();
    for (const w of this.#writers.values()) {
      try {
        w.close();
      } catch (err) {
        this.#logger.error({ code: 'store_write_failed' }, `could not close take: ${(err as Error).message}`);
      }
    }
    this.#writers.clear();
  }

  /** The episode's next recording opens a new take (`POST /__cassette/episode {"freshTake":true}`). */
  restart(episode: string): void {
    if (this.#queue.length > 0) this.#flush();
    const w = this.#writers.get(episode);
    this.#writers.delete(episode);
    this.#occurrences.delete(episode);
    try {
      w?.close();
    } catch (err) {
      this.#logger.error({ code: 'store_write_failed' }, `could not close take: ${(err as Error).message}`);
    }
  }

  /** Golden trusts a stored key only with the fingerprint of the rules that computed it. */

  #writer(episode: string): TakeWriter {
    let w = this.#writers.get(episode);
    if (!w) {
      w = this.#mode === 'record-missing' ? this.#store.continueTake(episode, this.#mode) : this.#store.beginTake(episode, this.#mode);
      this.#writers.set(episode, w);
    }
    return w;
  }
}
