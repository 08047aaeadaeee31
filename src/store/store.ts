import type { Interaction, Mode, RecordedRequest, TakeSummary } from '../types.js';
import type { EpisodeSummaryPage, EpisodeSummaryQuery } from './episode-summary.js';
import type { RecordingClaims } from './recording-claims.js';
import type { RunFilter, RunRecord } from './run-record.js';

/** A value, or a promise of it: what a backend returns where some backends answer at once. */
export type MaybePromise<T> = T | Promise<T>;

/** The kinds of store there are; `openStore` picks one from the `--store` location. */
export type StoreKind = 'sqlite' | 'directory' | 'postgres';

/** The served take of an episode, whole: its complete interactions with their bodies. */
export interface EpisodeIndex {
  episode: string;
  take: number;
  /** Every complete interaction of the take in call order (position ascending), bodies included. */
  interactions: Interaction[];
}

/** One complete interaction as golden indexes it: matched, ordered and reported without its bodies. */
export interface IndexedInteraction {
  /** What `TakeIndex.read` and `readRequest` take (a row id, an ordinal); opaque to callers. */
  id: number;
  position: number;
  provider: string;
  method: string;
  path: string;
  /** The key as stored, and the fingerprint of the rules that computed it (`Interaction.keyRules`). */
  key: string;
  keyRules: string | undefined;
}

/** What golden needs of an episode: the served take's complete interactions, small, bodies read on demand. */
export interface TakeIndex {
  episode: string;
  take: number;
  /** Position ascending. */
  interactions: IndexedInteraction[];
  /** True when the index holds the whole interactions in memory (the directory store). */
  resident: boolean;
  /**
   * Reads one interaction whole (the answer to serve). A plain function: golden keeps it, not the
   * index. The one place of the interface that may answer synchronously: SQLite and the directory
   * store return the value itself (golden's hot path then allocates no promise); a network store
   * returns a promise.
   */
  read: (id: number) => MaybePromise<Interaction>;
  /** Reads one interaction's request (to recompute a key, explain a miss); synchronous where `read` is. */
  readRequest: (id: number) => MaybePromise<RecordedRequest>;
}

export interface InteractionFilter {
  episodes?: readonly string[];
  /** Only the served take of each episode (the newest with a complete interaction). Default true. */
  newestTakeOnly?: boolean;
  /** Include incomplete interactions (cut-short streams). Default false. */
  includeIncomplete?: boolean;
}

/**
 * A take being written by one live session. It holds the writer's lease on the take for as long
 * as it is open: the directory store refuses a second writer of the same take (another process
 * continuing it), SQLite and PostgreSQL let several writers share a continued take safely.
 */
export interface TakeWriter {
  readonly episode: string;
  /**
   * The take's number. A new take is created on the first call (or the first append): a session
   * that records nothing leaves no empty take.
   */
  take(): Promise<number>;
  /** Reserves the next call position (assigned when a request starts, so order is call order). */
  nextPosition(): number;
  /** Appends one interaction; durable when the promise resolves. */
  append(interaction: Interaction): Promise<void>;
  /** Finishes the take (a clean end of the session: it gets its close time) and releases the lease. */
  finish(): Promise<void>;
}

/** One append of a group commit (`Store.appendGroup`). */
export interface GroupAppend {
  writer: TakeWriter;
  interaction: Interaction;
}

/**
 * The store behind the proxy: SQLite (`.db`, `.sqlite`, `.sqlite3`), the JSON directory format and
 * PostgreSQL (`postgres://…`) implement it, and nothing outside `store/` knows which one it talks
 * to. Every method returns a promise so a network database can implement it; the one synchronous
 * fast path is `TakeIndex.read` (see there). The conformance suite (test/store/conformance.test.ts)
 * runs the same tests against every backend.
 */
/** `Store.bodyDedup`: referenced / stored is the dedup ratio (`cassette stats`). */
export interface BodyDedup {
  referencedBytes: number;
  storedBytes: number;
}

export interface Store {
  /** Where the store is, fit to print: a URL's password is never part of it. */
  readonly location: string;
  readonly kind: StoreKind;
  /** The served take of an episode (the newest with a complete interaction), whole; undefined when none. */
  loadEpisode(episode: string): Promise<EpisodeIndex | undefined>;
  /**
   * The same take as `loadEpisode`, as a small index whose bodies are read when needed. `key`: the
   * request key the caller is about to look up; a network store reads that interaction in the same
   * round trip, so its `read` answers at once (a hint: stores that answer locally ignore it).
   */
  indexEpisode(episode: string, key?: string): Promise<TakeIndex | undefined>;
  /** Opens a new take for a live session (its number is allocated on the first append). */
  beginTake(episode: string, mode: Mode): Promise<TakeWriter>;
  /**
   * Appends to the newest take (record-missing), creating take 1 when there is none; writers in
   * several processes continuing one episode share its take. `take`: continue that take instead
   * (a live session taking up its own take again after its writer was closed as idle); a new take
   * when it no longer exists.
   */
  continueTake(episode: string, mode: Mode, take?: number): Promise<TakeWriter>;
  /**
   * Appends each interaction to its writer's take as one write: SQLite and PostgreSQL commit the
   * group in one transaction; the directory store writes each append as it comes, whole or not at
   * all. Resolves with one entry per append: undefined when stored, else why not. When the write
   * as a whole fails, every entry carries that error and none of them is stored.
   */
  appendGroup(appends: readonly GroupAppend[]): Promise<(Error | undefined)[]>;
  listEpisodes(): Promise<string[]>;
  listTakes(episode?: string): Promise<TakeSummary[]>;
  /**
   * One page of episodes summed up (the UI's episode list): filtered by words, model and provider,
   * sorted and paged (cursor and/or offset) inside the store, so a page costs the same on a store
   * of 100 or 100,000 interactions. SQLite and PostgreSQL keep a row per take (`take_summaries`)
   * up to date on every append; the directory store caches one per take file.
   */
  summarizeEpisodes(query?: EpisodeSummaryQuery): Promise<EpisodeSummaryPage>;
  /** Interactions ordered by episode, take and position; one take in memory at a time. */
  interactions(filter?: InteractionFilter): AsyncIterable<Interaction>;
  /** Removes episodes (all takes); returns how many interactions went. */
  removeEpisodes(episodes: readonly string[]): Promise<number>;
  /** Removes single takes; returns how many interactions went. */
  removeTakes(takes: readonly { episode: string; take: number }[]): Promise<number>;
  /**
   * Writes a whole take under its recorded number, times and positions (`cassette export` /
   * `import`); rejects with bad_usage when the episode already has that take.
   */
  importTake(summary: TakeSummary, interactions: Interaction[]): Promise<void>;
  /** Adds one run to the run ledger (docs/gates.md): SQLite table `runs`, directory `_runs/<id>.json`. */
  recordRun(run: RunRecord): Promise<void>;
  /** Runs of the ledger, newest first. */
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;
  /**
   * Single-flight recording across the processes sharing this store (SQLite: a claims table;
   * PostgreSQL: advisory locks and LISTEN/NOTIFY). Absent where the store has one writer process.
   */
  readonly claims?: RecordingClaims;
  /**
   * Body deduplication of a content-addressed store (PostgreSQL): bytes the interactions refer to
   * against bytes stored once by hash. Absent where bodies are stored with each interaction.
   */
  bodyDedup?(): Promise<BodyDedup>;
  /** Writes pending state and releases connections, files and locks. */
  close(): Promise<void>;
}

/** Every item of an async iterable, in order (Array.fromAsync is Node 22). */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const i of items) out.push(i);
  return out;
}
