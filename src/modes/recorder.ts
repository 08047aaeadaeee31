import { CassetteError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Store, TakeWriter } from '../store/store.js';
import type { Interaction, Mode } from '../types.js';

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

  /** Stores an interaction; a store failure is logged loudly and, with `--on-store-error fail`, thrown. */
  append(interaction: Interaction): void {
    try {
      this.#writer(interaction.episode).append(interaction);
      this.recorded++;
    } catch (err) {
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
      this.#logger.error({ code: error.code, episode: interaction.episode, position: interaction.position }, error.message);
      if (this.#onStoreError === 'fail') throw error;
    }
  }

  /** Closes every take this session opened. */
  close(): void {
    for (const w of this.#writers.values()) {
      try {
        w.close();
      } catch (err) {
        this.#logger.error({ code: 'store_write_failed' }, `could not close take: ${(err as Error).message}`);
      }
    }
    this.#writers.clear();
  }

  #writer(episode: string): TakeWriter {
    let w = this.#writers.get(episode);
    if (!w) {
      w = this.#mode === 'record-missing' ? this.#store.continueTake(episode, this.#mode) : this.#store.beginTake(episode, this.#mode);
      this.#writers.set(episode, w);
    }
    return w;
  }
}
