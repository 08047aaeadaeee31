import type { Interaction, Mode, RecordedRequest, TakeSummary } from '../types.js';
import type { RunFilter, RunRecord } from './run-record.js';

/** The newest take of an episode, whole: its complete interactions with their bodies. */
export interface EpisodeIndex {
  episode: string;
  take: number;
  /** Every complete interaction of the take in call order (position ascending), bodies included. */
  interactions: Interaction[];
}

/** One complete interaction as golden indexes it: matched, ordered and reported without its bodies. */
export interface IndexedInteraction {
  /** What `TakeIndex.read` and `readRequest` take (the SQLite row id); opaque to callers. */
  id: number;
  position: number;
  provider: string;
  method: string;
  path: string;
  /** The key as stored, and the fingerprint of the rules that computed it (`Interaction.keyRules`). */
  key: string;
  keyRules: string | undefined;
}

/** What golden needs of an episode: the newest take with complete interactions, small, bodies read on demand. */
export interface TakeIndex {
  episode: string;
  take: number;
  /** Position ascending. */
  interactions: IndexedInteraction[];
  /** True when the index holds the whole interactions in memory (stores without `indexEpisode`). */
  resident: boolean;
  /** Reads one interaction whole (the answer to serve). A plain function: golden keeps it, not the index. */
  read: (id: number) => Interaction;
  /** Reads one interaction's request (to recompute a key, explain a miss). A plain function too. */
  readRequest: (id: number) => RecordedRequest;
}

export interface InteractionFilter {
  episodes?: readonly string[];
  /** Only the newest take of each episode (the one golden serves). Default true. */
  newestTakeOnly?: boolean;
  /** Include incomplete interactions (cut-short streams). Default false. */
  includeIncomplete?: boolean;
}

/** A take being written by one live session; appends are durable when `append` returns. */
export interface TakeWriter {
  readonly episode: string;
  readonly take: number;
  /** Reserves the next call position (assigned when a request starts, so order is call order). */
  nextPosition(): number;
  append(interaction: Interaction): void;
  /** Marks the take closed (a clean end of the session). */
  close(): void;
}

/**
 * The store behind the proxy. SQLite (`.db`, `.sqlite`, `.sqlite3`) and the JSON directory format
 * both implement it; nothing outside `store/` knows which one it talks to.
 */
export interface Store {
  readonly location: string;
  /** The newest take of an episode that has complete interactions, or undefined. */
  loadEpisode(episode: string): EpisodeIndex | undefined;
  /**
   * The same take as `loadEpisode`, as a small index whose bodies are read when needed. Optional:
   * `indexEpisode()` (src/store/index-episode.ts) indexes a store without it from `loadEpisode`.
   */
  indexEpisode?(episode: string): TakeIndex | undefined;
  /** Opens a new take for a live session. */
  beginTake(episode: string, mode: Mode): TakeWriter;
  /** Appends to the newest take (record-missing), creating take 1 when there is none. */
  continueTake(episode: string, mode: Mode): TakeWriter;
  listEpisodes(): string[];
  listTakes(episode?: string): TakeSummary[];
  interactions(filter?: InteractionFilter): Iterable<Interaction>;
  /** Removes episodes (all takes); returns how many interactions went. */
  removeEpisodes(episodes: readonly string[]): number;
  /** Removes single takes; returns how many interactions went. */
  removeTakes(takes: readonly { episode: string; take: number }[]): number;
  /**
   * Writes a whole take under its recorded number, times and positions (`cassette export` /
   * `import`); throws bad_usage when the episode already has that take. Both stores implement it.
   */
  importTake?(summary: TakeSummary, interactions: Interaction[]): void;
  /**
   * Runs `fn`, appends to any takes, as one write: SQLite commits them in one transaction (one
   * commit for many rows; when `batch` throws, none of them is stored). The directory store
   * writes each append as it comes, whole or not at all.
   */
  batch(fn: () => void): void;
  /** Adds one run to the run ledger (docs/gates.md): SQLite table `runs`, directory `_runs/<id>.json`. */
  recordRun(run: RunRecord): Promise<void>;
  /** Runs of the ledger, newest first. */
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;
  /** Writes pending state and releases files and locks. */
  close(): void;
}
