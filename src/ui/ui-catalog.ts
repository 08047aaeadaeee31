import { setImmediate as nextTick, setTimeout as sleep } from 'node:timers/promises';
import type { Store } from '../store/store.js';
import type { ActivityFeed } from './activity-feed.js';
import type { Interaction, TakeSummary } from '../types.js';
import { modelOf } from '../compare/model-of.js';
import { describeStep, linkSteps, searchText } from './describe-step.js';
import { queryEpisodes } from './shared/query-episodes.js';
import type { EpisodeDetail, EpisodePage, EpisodeQuery, EpisodeRow } from './shared/ui-types.js';

/** What the catalog reads of a store (its interface; sync or async). */
export type CatalogStore = Pick<Store, 'listTakes' | 'interactions'>;

/** An episode row plus the lower-cased words a search looks in. */
export interface CatalogEntry extends EpisodeRow {
  search: string;
}

/** The episode list keeps this much prompt and answer text per episode for search. */
const SEARCH_CHARS = 4000;
/** Lists every take of the store again at most this often (catches other writers and removals). */
const FULL_REFRESH_MS = 30_000;
/** How long a first query waits for the first build before answering with what is indexed so far. */
const FIRST_WAIT_MS = 100;
/** Interactions read between two turns of the event loop while indexing. */
const SLICE = 100;

/**
 * What the UI knows about a store: one small row per episode (no bodies), kept in memory so
 * listing and searching 100,000 interactions answers in milliseconds. Built in the background on
 * first use (the server keeps answering meanwhile), then refreshed per episode when its takes
 * change. Reads the store only through its interface.
 */
export class UiCatalog {
  readonly #store: CatalogStore;
  readonly #feed: ActivityFeed;
  #feedSeq = -1;
  readonly #entries = new Map<string, CatalogEntry>();
  readonly #signatures = new Map<string, string>();
  #refreshing: Promise<void> | undefined;
  #fullAt = 0;
  #full = false;
  #built = false;

  constructor(store: CatalogStore, feed: ActivityFeed) {
    this.#store = store;
    this.#feed = feed;
  }

  /** One page of episodes; starts or continues indexing, and answers from what is indexed so far. */
  async episodes(query: EpisodeQuery): Promise<EpisodePage> {
    const refresh = this.refresh();
    // Refreshing the episodes this proxy just served is quick: wait for it. A periodic full look
    // goes on behind the answer. A first build waits a little (a small store is read by then); a
    // big store's goes on in the background and the page shows what is indexed so far.
    if (!this.#built) await Promise.race([refresh, sleep(FIRST_WAIT_MS)]);
    else if (!this.#full) await refresh;
    for (const [episode, s] of this.#feed.sessions()) {
      const entry = this.#entries.get(episode);
      if (entry) Object.assign(entry, { hits: s.hits, misses: s.misses, lastUsed: later(entry.lastUsed, s.lastUsed) });
    }
    return { ...queryEpisodes([...this.#entries.values()], query), indexing: !this.#built, indexed: this.#entries.size };
  }

  /** Every episode row (for a report), after reading the store. */
  async rows(): Promise<EpisodeRow[]> {
    await this.refresh();
    return queryEpisodes([...this.#entries.values()], { sort: 'episode', limit: Number.MAX_SAFE_INTEGER }).items;
  }

  /** Resolves when the catalog matches the store (tests and the report wait for it). */
  async ready(): Promise<void> {
    await this.refresh();
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

  refresh(): Promise<void> {
    if (this.#refreshing) return this.#refreshing;
    const full = Date.now() - this.#fullAt >= FULL_REFRESH_MS;
    if (!full && this.#feed.seq === this.#feedSeq) return Promise.resolve();
    this.#full = full;
    this.#refreshing = this.#refresh(full).finally(() => {
      this.#refreshing = undefined;
      this.#full = false;
    });
    return this.#refreshing;
  }

  /**
   * A full refresh lists every take of the store (a SQLite store of 10,000 takes needs a quarter of
   * a second for that), so it runs at most every FULL_REFRESH_MS; in between only the episodes this
   * proxy served since the last look are listed again.
   */
  async #refresh(full: boolean): Promise<void> {
    const since = this.#feedSeq;
    this.#feedSeq = this.#feed.seq;
    const byEpisode = new Map<string, TakeSummary[]>();
    let scope: string[] | undefined;
    if (full) {
      this.#fullAt = Date.now();
      for (const t of await this.#store.listTakes()) {
        const list = byEpisode.get(t.episode);
        if (list) list.push(t);
        else byEpisode.set(t.episode, [t]);
      }
    } else {
      scope = [...this.#feed.sessions()].filter(([, s]) => s.seq > since).map(([e]) => e);
      for (const episode of scope) {
        const takes = await this.#store.listTakes(episode);
        if (takes.length > 0) byEpisode.set(episode, takes);
      }
    }
    const changed: string[] = [];
    for (const [episode, takes] of byEpisode) {
      const signature = takes.map((t) => `${t.take}:${t.interactions}:${t.incomplete}:${t.closedAt ?? ''}`).join(',');
      if (this.#signatures.get(episode) !== signature) {
        changed.push(episode);
        this.#signatures.set(episode, signature);
      }
    }
    for (const episode of scope ?? [...this.#entries.keys()]) {
      if (!byEpisode.has(episode)) {
        this.#entries.delete(episode);
        this.#signatures.delete(episode);
      }
    }
    if (changed.length === 0) {
      this.#built = true;
      return;
    }
    // Many changed episodes (the first build): one pass over the whole store beats one read each.
    const wanted = changed.length > 50 ? undefined : changed;
    const builders = new Map<string, EntryBuilder>();
    for (const episode of changed) builders.set(episode, new EntryBuilder(episode, byEpisode.get(episode) ?? []));
    let n = 0;
    let current: EntryBuilder | undefined;
    for await (const i of this.#store.interactions({
      ...(wanted ? { episodes: wanted } : {}),
      newestTakeOnly: false,
      includeIncomplete: true,
    })) {
      const b = current?.episode === i.episode ? current : builders.get(i.episode);
      if (b) {
        b.add(i);
        if (current && current !== b) this.#publish(current);
        current = b;
      }
      if (++n % SLICE === 0) await nextTick();
    }
    for (const b of builders.values()) this.#publish(b);
    this.#built = true;
  }

  #publish(b: EntryBuilder): void {
    const s = this.#feed.sessions().get(b.episode);
    this.#entries.set(b.episode, b.build(s));
  }
}

class EntryBuilder {
  readonly episode: string;
  readonly #newest: number;
  readonly #takes: TakeSummary[];
  readonly #models = new Set<string>();
  readonly #providers = new Set<string>();
  #text = '';
  #calls = 0;
  #errors = 0;
  #cost = 0;
  #input = 0;
  #output = 0;
  #latency = 0;
  #lastUsed = '';

  constructor(episode: string, takes: TakeSummary[]) {
    this.episode = episode;
    this.#takes = takes;
    this.#newest = newestTake(takes);
  }

  add(i: Interaction): void {
    const model = modelOf(i);
    if (model) this.#models.add(model);
    this.#providers.add(i.provider);
    if (this.#text.length < SEARCH_CHARS) this.#text += ` ${searchText(i)}`;
    this.#lastUsed = later(this.#lastUsed, i.recordedAt);
    if (i.take !== this.#newest || !i.complete) return;
    this.#calls++;
    if (i.response.status >= 400) this.#errors++;
    this.#cost += i.costUsd ?? 0;
    this.#input += i.usage?.inputTokens ?? 0;
    this.#output += i.usage?.outputTokens ?? 0;
    this.#latency += i.timings.totalMs;
  }

  build(session: { hits: number; misses: number; lastUsed: string } | undefined): CatalogEntry {
    const models = [...this.#models].sort();
    const providers = [...this.#providers].sort();
    return {
      episode: this.episode,
      takes: this.#takes.length,
      take: this.#newest,
      calls: this.#calls,
      recorded: this.#takes.reduce((n, t) => n + t.interactions, 0),
      incomplete: this.#takes.reduce((n, t) => n + t.incomplete, 0),
      errors: this.#errors,
      hits: session?.hits ?? 0,
      misses: session?.misses ?? 0,
      costUsd: Math.round(this.#cost * 1e6) / 1e6,
      inputTokens: this.#input,
      outputTokens: this.#output,
      latencyMs: Math.round(this.#latency),
      lastUsed: later(this.#lastUsed || (this.#takes.at(-1)?.createdAt ?? ''), session?.lastUsed ?? ''),
      models,
      providers,
      search: `${this.episode} ${models.join(' ')} ${providers.join(' ')} ${this.#text}`.toLowerCase(),
    };
  }
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
