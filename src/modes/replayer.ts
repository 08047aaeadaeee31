import type { Provider } from '../providers/provider-registry.js';
import { explainMiss } from '../match/explain-miss.js';
import type { Candidate, MissExplanation } from '../match/explain-miss.js';
import { canonicalRequest } from '../match/request-key.js';
import type { CanonicalBodyFn } from '../match/canonical-body.js';
import type { RequestMatcher } from '../match/request-matcher.js';
import { summarizeRequest } from '../match/summarize-request.js';
import { prepareResponse } from './send-recorded.js';
import type { PreparedResponse } from './send-recorded.js';
import type { Store } from '../store/store.js';
import type { Interaction, RecordedRequest } from '../types.js';

/** What a replay remembers of an episode: small, kept for the proxy's life. */
interface EpisodeState {
  /** Times each key was asked for (occurrence). */
  used: Map<string, number>;
  /** Positions of the recordings served so far. */
  served: Set<number>;
  /** Calls made so far (for "step N" in divergence reports). */
  calls: number;
  divergence: string | undefined;
}

/** An episode's recordings as golden serves them: the newest take, by key. Evictable, reloaded on demand. */
interface EpisodeData {
  take: number | undefined;
  interactions: Interaction[];
  byKey: Map<string, Interaction[]>;
  prepared: Map<number, PreparedResponse>;
}

export type FindResult =
  { kind: 'hit'; interaction: Interaction; occurrence: number; prepared: PreparedResponse } | { kind: 'miss'; exhausted?: number };

/**
 * Recordings held in memory at most, across episodes: a store of a million interactions must not
 * end up in memory because a long-running proxy touched many episodes. Least recently used
 * episodes are dropped and reloaded when asked for again; what was served of them is kept.
 */
const MAX_LOADED_INTERACTIONS = 20_000;

/**
 * Serves recordings for golden and record-missing modes. Episodes load lazily from the store;
 * keys are recomputed from the stored requests under the current rules, so a store written
 * with another key version or other `match` rules still matches instead of silently missing.
 */
export class Replayer {
  readonly #store: Store;
  readonly #matcher: RequestMatcher;
  readonly #strict: boolean;
  readonly #states = new Map<string, EpisodeState>();
  /** In least-recently-used order (a Map iterates in insertion order). */
  readonly #data = new Map<string, EpisodeData>();
  #loaded = 0;

  constructor(store: Store, matcher: RequestMatcher, strict: boolean) {
    this.#store = store;
    this.#matcher = matcher;
    this.#strict = strict;
  }

  /** Loads an episode now (replay preloads its scope so untouched recordings count as unused). */
  load(episode: string): EpisodeData {
    let data = this.#data.get(episode);
    if (data) {
      this.#data.delete(episode);
      this.#data.set(episode, data);
      return data;
    }
    const index = this.#store.loadEpisode(episode);
    data = { take: index?.take, interactions: [], byKey: new Map(), prepared: new Map() };
    for (const i of index?.interactions ?? []) this.#index(data, i);
    this.#evictFor(data.interactions.length);
    this.#data.set(episode, data);
    this.#loaded += data.interactions.length;
    this.#state(episode);
    return data;
  }

  /** The n-th identical request gets the n-th recording; past the last, the last repeats (or, strict, a miss). */
  find(episode: string, key: string): FindResult {
    const data = this.load(episode);
    const e = this.#state(episode);
    e.calls++;
    const list = data.byKey.get(key);
    if (!list || list.length === 0) return { kind: 'miss' };
    const n = e.used.get(key) ?? 0;
    if (n >= list.length && this.#strict) return { kind: 'miss', exhausted: list.length };
    e.used.set(key, n + 1);
    const interaction = list[Math.min(n, list.length - 1)] as Interaction;
    this.#noteOrder(data, e, interaction);
    e.served.add(interaction.position);
    let prepared = data.prepared.get(interaction.position);
    if (!prepared) {
      prepared = prepareResponse(interaction.response, { 'x-cassette-outcome': 'hit', 'x-cassette-take': String(interaction.take) });
      data.prepared.set(interaction.position, prepared);
    }
    return { kind: 'hit', interaction, occurrence: n + 1, prepared };
  }

  /** Makes a just-recorded interaction replayable (record-missing). */
  add(episode: string, interaction: Interaction): void {
    const data = this.load(episode);
    const e = this.#state(episode);
    this.#index(data, interaction);
    this.#loaded++;
    e.used.set(interaction.key, (e.used.get(interaction.key) ?? 0) + 1);
    e.served.add(interaction.position);
  }

  /** Explains a miss against the nearest recording of the episode. */
  explain(episode: string, provider: Provider, request: RecordedRequest, canonicalBody: (p: string) => CanonicalBodyFn): MissExplanation {
    const candidates: Candidate[] = this.load(episode)
      .interactions.slice(0, 500)
      .map((interaction) => ({
        interaction,
        canonical: canonicalRequest(interaction.provider, interaction.request, canonicalBody(interaction.provider)),
      }));
    return explainMiss(canonicalRequest(provider.name, request, canonicalBody(provider.name)), candidates);
  }

  /** Recordings not served, per episode asked for (an evicted episode is read again). */
  unused(): { episode: string; take: number | undefined; interactions: Interaction[] }[] {
    return [...this.#states].map(([episode, e]) => {
      const data = this.load(episode);
      return { episode, take: data.take, interactions: data.interactions.filter((i) => !e.served.has(i.position)) };
    });
  }

  /** The first place an episode's calls left recorded order, in words. */
  divergences(): { episode: string; message: string }[] {
    return [...this.#states].flatMap(([episode, e]) => (e.divergence ? [{ episode, message: e.divergence }] : []));
  }

  recordingCount(episode: string): number {
    return this.load(episode).interactions.length;
  }

  /** Forgets what was served (a test switching to an episode starts it afresh). */
  reset(episode: string): void {
    if (this.#states.has(episode)) this.#states.set(episode, { used: new Map(), served: new Set(), calls: 0, divergence: undefined });
  }

  #state(episode: string): EpisodeState {
    let e = this.#states.get(episode);
    if (!e) this.#states.set(episode, (e = { used: new Map(), served: new Set(), calls: 0, divergence: undefined }));
    return e;
  }

  #index(data: EpisodeData, interaction: Interaction): void {
    const key = this.#matcher.keyOf(interaction.provider, interaction.request);
    data.interactions.push(interaction);
    const list = data.byKey.get(key);
    if (list) list.push(interaction);
    else data.byKey.set(key, [interaction]);
  }

  /** Drops least recently used episodes until `incoming` more recordings fit under the limit. */
  #evictFor(incoming: number): void {
    for (const [episode, data] of this.#data) {
      if (this.#loaded + incoming <= MAX_LOADED_INTERACTIONS) return;
      this.#data.delete(episode);
      this.#loaded -= data.interactions.length;
    }
  }

  /** A missed call diverges from the recording at once: remember where, in words. */
  noteMiss(episode: string, provider: string, request: RecordedRequest): void {
    const data = this.load(episode);
    const e = this.#state(episode);
    if (e.divergence !== undefined) return;
    const expected = data.interactions.find((i) => !e.served.has(i.position));
    const got = `${provider} ${request.method} ${request.path} ${summarizeRequest(request)}`.trim();
    e.divergence = expected
      ? `step ${e.calls}: expected a call to ${describe(expected)}; got ${got}, which has no recording`
      : `step ${e.calls}: every recording was already served; got ${got}`;
  }

  /** A call is in order when it is the earliest recording not yet served. */
  #noteOrder(data: EpisodeData, e: EpisodeState, served: Interaction): void {
    if (e.divergence !== undefined || e.served.has(served.position)) return;
    const expected = data.interactions.find((i) => !e.served.has(i.position));
    if (!expected || expected === served) return;
    e.divergence = `step ${e.calls}: expected a call to ${describe(expected)}; got ${describe(served)}`;
  }
}

function describe(i: Interaction): string {
  return `${i.provider} ${i.request.method} ${i.request.path} ${summarizeRequest(i.request)}`.trim() + ` (recorded step ${i.position})`;
}
