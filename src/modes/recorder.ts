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
 * Takes a recording proxy keeps open at once (docs/security.md, limits): past it, the least
 * recently used one with no append under way is finished. A live or record-missing proxy serving
 * many episode ids would otherwise keep a writer and its counts per id for its whole life.
 */
export const OPEN_TAKES = 1_000;
/**
 * Takes of closed idle writers a live session remembers, so that an episode coming back continues
 * its own take instead of starting a new one (a number each). Past it, the oldest is forgotten.
 */
export const PARKED_TAKES = 100_000;

/** An episode's take as this session writes it. */
interface OpenTake {
  /** The take writer being opened or open (a promise: opening may need the store). */
  writer: Promise<TakeWriter>;
  /** Times each key was recorded in this take by this session (the interaction's occurrence). */
  occurrences: Map<string, number>;
  /** Appends of this take being written: a take is never closed under one. */
  appending: number;
  /** The writer once open: later calls take their position without waiting a turn for it. */
  ready?: TakeWriter;
}

/**
 * Writes recordings of one proxy session: one take per episode, opened on the first recording
 * (a new take, or, in a mode that continues takes (record-missing), the newest take, shared with
 * the other processes continuing it). Positions are handed out when a request starts, so the take
 * keeps call order even when answers finish out of order. At most OPEN_TAKES takes stay open.
 */
export class Recorder {
  readonly #store: Store;
  readonly #mode: Mode;
  readonly #continues: boolean;
  readonly #logger: Logger;
  readonly #onStoreError: 'fail' | 'forward';
  readonly #limit: number;
  /** Per episode, its open take, least recently used first. */
  readonly #takes = new Map<string, OpenTake>();
  /** Per episode, the take a live session wrote before its writer was closed as idle, oldest first. */
  readonly #parked = new Map<string, Promise<number>>();
  /** Writers being finished because they were idle: close() waits for them. */
  readonly #closing = new Set<Promise<void>>();
  /** The episode last moved to the end of `#takes` (most recently used): not moved again. */
  #newest: string | undefined;
  #queue: PendingAppend[] = [];
  readonly #flushing = new Set<Promise<void>>();
  recorded = 0;
  failed = 0;

  /**
   * `continues`: the mode's trait (src/pipeline/mode-table.ts): record into the episode's newest
   * take rather than a new take per session. `openTakes`: the limit of open takes (tests lower it).
   */
  constructor(
    store: Store,
    mode: Mode,
    logger: Logger,
    onStoreError: 'fail' | 'forward',
    options: { continues?: boolean; openTakes?: number } = {},
  ) {
    this.#store = store;
    this.#mode = mode;
    this.#continues = options.continues ?? false;
    this.#logger = logger;
    this.#onStoreError = onStoreError;
    this.#limit = Math.max(1, options.openTakes ?? OPEN_TAKES);
  }

  /** Open takes and remembered takes of closed writers (`GET /__cassette/stats` memory). */
  get memory(): { openTakes: number; parkedTakes: number } {
    return { openTakes: this.#takes.size, parkedTakes: this.#parked.size };
  }

  /**
   * Reserves the call position and the occurrence of `key` in the episode's take. Calls that wait
   * for the same writer to open resume in the order they called, so positions stay call order.
   */
  async reserve(episode: string, key: string): Promise<{ position: number; occurrence: number; take: () => Promise<number> }> {
    const open = this.#open(episode);
    const occurrence = (open.occurrences.get(key) ?? 0) + 1;
    open.occurrences.set(key, occurrence);
    let writer: TakeWriter;
    try {
      writer = open.ready ?? (await open.writer);
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
    const takes = batch.map((p) => {
      const t = this.#open(p.interaction.episode);
      t.appending++;
      return t;
    });
    try {
      await this.#writeTo(batch, takes);
    } finally {
      for (const t of takes) t.appending--;
      this.#closeIdle();
    }
  }

  async #writeTo(batch: PendingAppend[], takes: OpenTake[]): Promise<void> {
    // Writers open already (the common case) are used as they are, without a turn's wait.
    const opened = takes.every((t) => t.ready !== undefined)
      ? takes.map((t) => t.ready as TakeWriter)
      : await Promise.all(
          takes.map((t) =>
            t.writer.then(
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
    batch.forEach((p) => {
      if (failed.has(p)) this.#fail(p, failed.get(p));
      else {
        this.recorded++;
        p.resolve();
      }
    });
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
    await Promise.all([...this.#closing]);
    const takes = [...this.#takes.values()];
    this.#takes.clear();
    this.#parked.clear();
    for (const t of takes) await this.#finish(t.writer);
  }

  /** The episode's next recording opens a new take (`POST /__cassette/episode {"freshTake":true}`). */
  async restart(episode: string): Promise<void> {
    if (this.#queue.length > 0) void this.#flush();
    await Promise.all([...this.#flushing]);
    const t = this.#takes.get(episode);
    this.#takes.delete(episode);
    this.#parked.delete(episode);
    if (t) await this.#finish(t.writer);
  }

  /** The episode's open take, opened now when it has none; marked most recently used. */
  #open(episode: string): OpenTake {
    let t = this.#takes.get(episode);
    if (t) {
      // One episode calling again and again (the common case) is the newest already.
      if (this.#newest !== episode) {
        this.#takes.delete(episode);
        this.#takes.set(episode, t);
        this.#newest = episode;
      }
      return t;
    }
    const parked = this.#parked.get(episode);
    this.#parked.delete(episode);
    // A live session whose writer of this episode was closed as idle takes up its own take again.
    const writer = this.#continues
      ? this.#store.continueTake(episode, this.#mode)
      : parked
        ? parked.then((take) =>
            take > 0 ? this.#store.continueTake(episode, this.#mode, take) : this.#store.beginTake(episode, this.#mode),
          )
        : this.#store.beginTake(episode, this.#mode);
    const opened: OpenTake = { writer, occurrences: new Map(), appending: 0 };
    // A writer that could not be opened is tried again by the next call, not remembered. Calls
    // already waiting for it resume after `ready` is set (this reaction was registered first), so
    // positions keep call order.
    writer.then(
      (w) => {
        opened.ready = w;
      },
      () => {
        if (this.#takes.get(episode) === opened) this.#takes.delete(episode);
      },
    );
    this.#takes.set(episode, opened);
    this.#newest = episode;
    this.#closeIdle(episode);
    return opened;
  }

  /**
   * Finishes the least recently used takes past the limit that have no append under way (never
   * `keep`, the one just opened).
   */
  #closeIdle(keep?: string): void {
    if (this.#takes.size <= this.#limit) return;
    for (const [episode, t] of this.#takes) {
      if (this.#takes.size <= this.#limit) break;
      if (t.appending > 0 || episode === keep) continue;
      this.#takes.delete(episode);
      const closing = this.#park(episode, t).finally(() => this.#closing.delete(closing));
      this.#closing.add(closing);
    }
  }

  /**
   * Finishes an idle take. A live session remembers its number first (creating the take if only
   * a reservation was made), so that the episode coming back continues it; a continuing session
   * finds the newest take anyway.
   */
  #park(episode: string, t: OpenTake): Promise<void> {
    if (this.#continues) return this.#finish(t.writer);
    const take = t.writer.then((w) => w.take()).catch(() => 0);
    this.#parked.set(episode, take);
    for (const oldest of this.#parked.keys()) {
      if (this.#parked.size <= PARKED_TAKES) break;
      this.#parked.delete(oldest);
    }
    return take.then(() => this.#finish(t.writer));
  }

  async #finish(writer: Promise<TakeWriter>): Promise<void> {
    try {
      await (await writer).finish();
    } catch (err) {
      this.#logger.error({ code: 'store_write_failed' }, `could not close take: ${(err as Error).message}`);
    }
  }
}
