import type { EpisodeSummary } from '../store/episode-summary.js';
import type { Store } from '../store/store.js';
import type { ActivityFeed } from './activity-feed.js';
import type { Interaction, TakeSummary } from '../types.js';
import { describeStep, linkSteps } from './describe-step.js';
import { MAX_PAGE } from './shared/query-episodes.js';
import type { EpisodeDetail, EpisodePage, EpisodeQuery, EpisodeRow } from './shared/ui-types.js';

/** What the catalog reads of a store (its interface). */
export type CatalogStore = Pick<Store, 'listTakes' | 'interactions' | 'summarizeEpisodes'>;

/** Rows a report asks the store for at a time. */
const REPORT_PAGE = 1000;

/**
 * What the UI reads of a store. The episode list is the store's own summary query
 * (`Store.summarizeEpisodes`: filtered, sorted and paged where the data is, so a page of a
 * 100,000-interaction store costs milliseconds and nothing is held here); what this proxy session
 * saw of each episode (hits, misses, last call) is laid over it. Bodies are read only for the
 * episode or interaction being shown.
 */
export class UiCatalog {
  readonly #store: CatalogStore;
  readonly #feed: ActivityFeed;

  constructor(store: CatalogStore, feed: ActivityFeed) {
    this.#store = store;
    this.#feed = feed;
  }

  /** One page of episodes. */
  async episodes(query: EpisodeQuery): Promise<EpisodePage> {
    const page = await this.#store.summarizeEpisodes({
      ...query,
      ...(query.limit !== undefined ? { limit: Math.min(MAX_PAGE, query.limit) } : {}),
    });
    const sessions = this.#feed.sessions();
    return {
      total: page.total,
      offset: query.offset ?? 0,
      limit: Math.min(MAX_PAGE, query.limit ?? 50),
      items: page.items.map((s) => episodeRow(s, sessions.get(s.episode))),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
      models: page.models,
      providers: page.providers,
    };
  }

  /** Every episode row (for a report), A→Z, read from the store a page at a time. */
  async rows(): Promise<EpisodeRow[]> {
    const rows: EpisodeRow[] = [];
    const sessions = this.#feed.sessions();
    let cursor: string | undefined;
    do {
      const page = await this.#store.summarizeEpisodes({ sort: 'episode', limit: REPORT_PAGE, ...(cursor ? { cursor } : {}) });
      for (const s of page.items) rows.push(episodeRow(s, sessions.get(s.episode)));
      cursor = page.nextCursor;
    } while (cursor);
    return rows;
  }

  /** One episode's steps, of its newest take or of `take`. */
  async episode(episode: string, take?: number): Promise<EpisodeDetail | undefined> {
    const takes = await this.#store.listTakes(episode);
    if (takes.length === 0) return undefined;
    const wanted = take ?? newestTake(takes);
    const steps = [];
    for await (const i of this.#store.interactions({ episodes: [episode], newestTakeOnly: false, includeIncomplete: true })) {
      if (i.take === wanted) steps.push(describeStep(i));
    }
    steps.sort((a, b) => a.position - b.position);
    linkSteps(steps);
    return {
      episode,
      take: wanted,
      takes: takes.map((t) => ({ ...t })).sort((a, b) => a.take - b.take),
      steps,
    };
  }

  /** Every interaction of one take, position ascending (bodies included). */
  async take(episode: string, take?: number): Promise<{ take: number; interactions: Interaction[] } | undefined> {
    const takes = await this.#store.listTakes(episode);
    if (takes.length === 0) return undefined;
    const wanted = take ?? newestTake(takes);
    const interactions: Interaction[] = [];
    for await (const i of this.#store.interactions({ episodes: [episode], newestTakeOnly: false, includeIncomplete: true })) {
      if (i.take === wanted) interactions.push(i);
    }
    return { take: wanted, interactions: interactions.sort((a, b) => a.position - b.position) };
  }

  /** One interaction whole. */
  async interaction(episode: string, take: number, position: number): Promise<Interaction | undefined> {
    return (await this.take(episode, take))?.interactions.find((i) => i.position === position);
  }

  /** The takes of an episode, oldest first. */
  async takes(episode: string): Promise<TakeSummary[]> {
    return (await this.#store.listTakes(episode)).sort((a, b) => a.take - b.take);
  }
}

/** The store's summary of an episode with what this proxy session saw of it. */
function episodeRow(s: EpisodeSummary, session: { hits: number; misses: number; lastUsed: string } | undefined): EpisodeRow {
  return {
    episode: s.episode,
    takes: s.takes,
    take: s.take,
    calls: s.calls,
    recorded: s.recorded,
    incomplete: s.incomplete,
    errors: s.errors,
    hits: session?.hits ?? 0,
    misses: session?.misses ?? 0,
    costUsd: s.costUsd,
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    latencyMs: s.latencyMs,
    lastUsed: later(s.lastAt, session?.lastUsed ?? ''),
    models: s.models,
    providers: s.providers,
  };
}

/** The newest take with complete interactions (what golden serves), else the newest at all. */
function newestTake(takes: readonly TakeSummary[]): number {
  let best = 0;
  let any = 0;
  for (const t of takes) {
    any = Math.max(any, t.take);
    if (t.interactions > t.incomplete) best = Math.max(best, t.take);
  }
  return best || any;
}

function later(a: string, b: string): string {
  return a > b ? a : b;
}
