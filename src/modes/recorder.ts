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
  /** Per episode, the take writer being opened or open (a promise: opening may need the store). */
  readonly #writers = new Map<string, Promise<TakeWriter>>();
  readonly #occurrences = new Map<string, Map<string, number>>();
  #queue: PendingAppend[] = [];
  readonly #flushing = new Set<Promise<void>>();
  recorded = 0;
  failed = 0;

  constructor(store: Store, mode: Mode, logger: Logger, onStoreError: 'fail' | 'forward') {
    this.#store = store;
    this.#mode = mode;
    this.#logger = logger;
    this.#onStoreError = onStoreError;
  }

  /**
   * Reserves the call position and the occurrence of `key` in the episode's take. Calls that wait
   * for the same writer to open resume in the order they called, so positions stay call order.
   */
  async reserve(episode: string, key: string): Promise<{ position: number; occurrence: number; take: () => Promise<number> }> {
    let seen = this.#occurrences.get(episode);
    if (!seen) this.#occurrences.set(episode, (seen = new Map()));
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    let writer: TakeWriter;
    try {
      writer = await this.#writer(episode);
    } catch {
      // A take that cannot be opened (the store is unwritable): the append that follows meets the
      // same failure and handles it as --on-store-error says.
      return { position: 0, occurrence, take: async () => 0 };
    }
    // A take that cannot be created shows up as 0 here, and the append fails the same way.
    const take = (): Promise<number> => writer.take().catch(() => 0);
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
      if (this.#queue.length === 0) setImmediate(() => void this.#flush());
      this.#queue.push({ interaction, resolve, reject });
    });
  }

  #flush(): Promise<void> {
    const batch = this.#queue;
    if (batch.length === 0) return Promise.resolve(); // close() wrote it already
    this.#queue = [];
    const flushing = this.#write(batch);
    this.#flushing.add(flushing);
    return flushing.finally(() => this.#flushing.delete(flushing));
  }

  async #write(batch: PendingAppend[]): Promise<void> {
    // Writers first (each opens once), then one group write: one bad row fails alone and the
    // group goes on; a group whose commit fails stores none of its rows.
    const opened = await Promise.all(
      batch.map((p) =>
        this.#writer(p.interaction.episode).then(
          (w) => w,
          (err: unknown) => err as Error,
        ),
      ),
    );
    const appends: { p: PendingAppend; writer: TakeWriter }[] = [];
    const failed = new Map<PendingAppend, unknown>();
    batch.forEach((p, n) => {
      const w = opened[n] as TakeWriter | Error;
      if (w instanceof Error) failed.set(p, w);
      else appends.push({ p, writer: w });
    });
    let results: (Error | undefined)[];
    try {
      results = await this.#store.appendGroup(appends.map(({ p, writer }) => ({ writer, interaction: p.interaction })));
    } catch (err) {
      results = appends.map(() => err as Error);
    }
    appends.forEach(({ p }, n) => {
      const err = results[n];
      if (err !== undefined) failed.set(p, err);
    });
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

  /** Finishes every take this session opened (after writing what is still queued). */
  async close(): Promise<void> {
    if (this.#queue.length > 0) void this.#flush();
    await Promise.all([...this.#flushing]);
    const writers = [...this.#writers.values()];
    this.#writers.clear();
    for (const opening of writers) {
      try {
        await (await opening).finish();
      } catch (err) {
        this.#logger.error({ code: 'store_write_failed' }, `could not close take: ${(err as Error).message}`);
      }
    }
  }

  /** The episode's next recording opens a new take (`POST /__cassette/episode {"freshTake":true}`). */
  async restart(episode: string): Promise<void> {
    if (this.#queue.length > 0) void this.#flush();
    await Promise.all([...this.#flushing]);
    const w = this.#writers.get(episode);
    this.#writers.delete(episode);
    this.#occurrences.delete(episode);
    try {
      await (await w)?.finish();
    } catch (err) {
      this.#logger.error({ code: 'store_write_failed' }, `could not close take: ${(err as Error).message}`);
    }
  }

  #writer(episode: string): Promise<TakeWriter> {
    let w = this.#writers.get(episode);
    if (!w) {
      w = this.#mode === 'record-missing' ? this.#store.continueTake(episode, this.#mode) : this.#store.beginTake(episode, this.#mode);
      // A writer that could not be opened is tried again by the next call, not remembered.
      w.catch(() => {
        if (this.#writers.get(episode) === w) this.#writers.delete(episode);
      });
      this.#writers.set(episode, w);
    }
    return w;
  }
}
