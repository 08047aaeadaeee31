import type { Interaction, Mode, TakeSummary } from '../types.js';

/** What golden replay needs of one episode: the newest take's complete interactions, by key. */
export interface EpisodeIndex {
  episode: string;
  take: number;
  /** Every complete interaction of the take in call order (position ascending), bodies included. */
  interactions: Interaction[];
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
  /** Writes pending state and releases files and locks. */
  close(): void;
}
