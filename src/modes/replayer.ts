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

/** An episode as golden serves it: the newest take, by key, with what was served so far. */
interface LoadedEpisode {
  take: number | undefined;
  interactions: Interaction[];
  byKey: Map<string, Interaction[]>;
  used: Map<string, number>;
  served: Set<Interaction>;
  prepared: WeakMap<Interaction, PreparedResponse>;
  /** Calls made so far (for "step N" in divergence reports). */
  calls: number;
  divergence: string | undefined;
}

export type FindResult =
  { kind: 'hit'; interaction: Interaction; occurrence: number; prepared: PreparedResponse } | { kind: 'miss'; exhausted?: number };

/**
 * Serves recordings for golden and record-missing modes. Episodes load lazily from the store,
 * once; keys are recomputed from the stored requests under the current rules, so a store written
 * with another key version or other `match` rules still matches instead of silently missing.
 */
export class Replayer {
  readonly #store: Store;
  readonly #matcher: RequestMatcher;
  readonly #strict: boolean;
  readonly #episodes = new Map<string, LoadedEpisode>();

  constructor(store: Store, matcher: RequestMatcher, strict: boolean) {
    this.#store = store;
    this.#matcher = matcher;
    this.#strict = strict;
  }

  /** Loads an episode now (replay preloads its scope so untouched recordings count as unused). */
  load(episode: string): LoadedEpisode {
    let loaded = this.#episodes.get(episode);
    if (loaded) return loaded;
    const index = this.#store.loadEpisode(episode);
    loaded = {
      take: index?.take,
      interactions: [],
      byKey: new Map(),
      used: new Map(),
      served: new Set(),
      prepared: new WeakMap(),
      calls: 0,
      divergence: undefined,
    };
    for (const i of index?.interactions ?? []) this.#add(loaded, i);
    this.#episodes.set(episode, loaded);
    return loaded;
  }

  /** The n-th identical request gets the n-th recording; past the last, the last repeats (or, strict, a miss). */
  find(episode: string, key: string): FindResult {
    const e = this.load(episode);
    e.calls++;
    const list = e.byKey.get(key);
    if (!list || list.length === 0) return { kind: 'miss' };
    const n = e.used.get(key) ?? 0;
    if (n >= list.length && this.#strict) return { kind: 'miss', exhausted: list.length };
    e.used.set(key, n + 1);
    const interaction = list[Math.min(n, list.length - 1)] as Interaction;
    this.#noteOrder(e, interaction);
    e.served.add(interaction);
    let prepared = e.prepared.get(interaction);
    if (!prepared) {
      prepared = prepareResponse(interaction.response, { 'x-cassette-outcome': 'hit', 'x-cassette-take': String(interaction.take) });
      e.prepared.set(interaction, prepared);
    }
    return { kind: 'hit', interaction, occurrence: n + 1, prepared };
  }

  /** Makes a just-recorded interaction replayable (record-missing). */
  add(episode: string, interaction: Interaction): void {
    const e = this.load(episode);
    this.#add(e, interaction);
    e.used.set(interaction.key, (e.used.get(interaction.key) ?? 0) + 1);
    e.served.add(interaction);
  }

  /** Explains a miss against the nearest recording of the episode. */
  explain(episode: string, provider: Provider, request: RecordedRequest, canonicalBody: (p: string) => CanonicalBodyFn): MissExplanation {
    const e = this.load(episode);
    const candidates: Candidate[] = e.interactions.slice(0, 500).map((interaction) => ({
      interaction,
      canonical: canonicalRequest(interaction.provider, interaction.request, canonicalBody(interaction.provider)),
    }));
    return explainMiss(canonicalRequest(provider.name, request, canonicalBody(provider.name)), candidates);
  }

  /** Recordings not served, per loaded episode. */
  unused(): { episode: string; take: number | undefined; interactions: Interaction[] }[] {
    return [...this.#episodes].map(([episode, e]) => ({
      episode,
      take: e.take,
      interactions: e.interactions.filter((i) => !e.served.has(i)),
    }));
  }

  /** The first place an episode's calls left recorded order, in words. */
  divergences(): { episode: string; message: string }[] {
    return [...this.#episodes].flatMap(([episode, e]) => (e.divergence ? [{ episode, message: e.divergence }] : []));
  }

  recordingCount(episode: string): number {
    return this.load(episode).interactions.length;
  }

  /** Forgets what was served (a test switching to an episode starts it afresh). */
  reset(episode: string): void {
    const e = this.#episodes.get(episode);
    if (!e) return;
    e.used.clear();
    e.served.clear();
    e.calls = 0;
    e.divergence = undefined;
  }

  #add(e: LoadedEpisode, interaction: Interaction): void {
    const key = this.#matcher.keyOf(interaction.provider, interaction.request);
    e.interactions.push(interaction);
    const list = e.byKey.get(key);
    if (list) list.push(interaction);
    else e.byKey.set(key, [interaction]);
  }

  /** A missed call diverges from the recording at once: remember where, in words. */
  noteMiss(episode: string, provider: string, request: RecordedRequest): void {
    const e = this.load(episode);
    if (e.divergence !== undefined) return;
    const expected = e.interactions.find((i) => !e.served.has(i));
    const got = `${provider} ${request.method} ${request.path} ${summarizeRequest(request)}`.trim();
    e.divergence = expected
      ? `step ${e.calls}: expected a call to ${describe(expected)}; got ${got}, which has no recording`
      : `step ${e.calls}: every recording was already served; got ${got}`;
  }

  /** A call is in order when it is the earliest recording not yet served. */
  #noteOrder(e: LoadedEpisode, served: Interaction): void {
    if (e.divergence !== undefined || e.served.has(served)) return;
    const expected = e.interactions.find((i) => !e.served.has(i));
    if (!expected || expected === served) return;
    e.divergence = `step ${e.calls}: expected a call to ${describe(expected)}; got ${describe(served)}`;
  }
}

function describe(i: Interaction): string {
  return `${i.provider} ${i.request.method} ${i.request.path} ${summarizeRequest(i.request)}`.trim() + ` (recorded step ${i.position})`;
}
