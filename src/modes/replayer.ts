import type { Route } from '../providers/registry.js';
import { explainMiss } from '../match/explain-miss.js';
import type { Candidate, MissExplanation } from '../match/explain-miss.js';
import { canonicalRequest } from '../match/request-key.js';
import type { CanonicalBodyFn } from '../match/canonical-body.js';
import type { RequestMatcher } from '../match/request-matcher.js';
import { summarizeRequest } from '../match/summarize-request.js';
import type { MaybePromise, Store } from '../store/store.js';
import type { Interaction, RecordedRequest, Usage } from '../types.js';
import { AnswerCache } from './answer-cache.js';
import type { Answer } from './answer-cache.js';
import { Endpoints, EpisodeRecordings } from './episode-recordings.js';
import type { Recording } from './episode-recordings.js';
import { prepareResponse } from './send-recorded.js';
import type { PreparedResponse } from './send-recorded.js';

/**
 * What a replay remembers of an episode: small. An episode with recordings is one of the
 * `episodeStates` most recently met kept whole; past that, only its per-key counts are kept (`parkedKeys`
 * at most, the part occurrence counting needs) and the rest is worked out again from the index
 * when it comes back. An episode without any (a fresh id, a typo) is one of the most recent
 * `bareEpisodes` kept, so fresh ids cannot grow the proxy (issue 13 item 9).
 */
interface EpisodeState {
  /** Times each key was asked for (occurrence). */
  used: Map<string, number>;
  /** Positions of the recordings served so far. */
  served: Set<number>;
  /** Calls made so far (for "step N" in divergence reports). */
  calls: number;
  divergence: string | undefined;
  /**
   * Every slot below `unservedFrom` of the index numbered `unservedOf` is served: where the search
   * for the earliest unserved recording starts, so a run in recorded order checks each call's order
   * in constant time instead of rescanning the served ones (quadratic in the episode's length).
   */
  unservedOf?: number;
  unservedFrom?: number;
  /** The episode's take and unused recordings when its index was dropped (see `unused`). */
  evicted?: { take: number | undefined; recordings: Recording[] };
}

export type FindResult =
  | {
      kind: 'hit';
      position: number;
      occurrence: number;
      prepared: PreparedResponse;
      usage: Usage | undefined;
      costUsd: number | undefined;
    }
  | { kind: 'miss'; exhausted?: number };

/** What golden keeps in memory at most, across episodes (a store of a million interactions must not end up there). */
export interface ReplayerLimits {
  /** Recordings indexed (key, row id, position, endpoint: ~150 bytes each). */
  indexedRecordings: number;
  /** Whole interactions held (stores without a small index, such as the directory store; ~5 KB each and up). */
  heldInteractions: number;
  /** Answers kept ready for the wire, and their bytes. */
  answers: number;
  answerBytes: number;
  /** Episode indexes held, recordings or not (an empty one still costs a few hundred bytes). */
  episodeIndexes: number;
  /** States of episodes without recordings (calls, where they diverged): the most recently asked for. */
  bareEpisodes: number;
  /** States of episodes with recordings kept whole (what was served, calls, where they diverged): the most recently met. */
  episodeStates: number;
  /** Per-key counts kept of episodes whose state was dropped (what the n-th identical call gets), in keys across episodes. */
  parkedKeys: number;
  /**
   * Interactions recorded this session (record-missing) held whole in the indexes, so that the
   * next identical call is served at once. Past it, least recently used indexes whose recordings
   * are all committed are dropped and read again from the store when next asked for.
   */
  addedInteractions: number;
}

const DEFAULT_LIMITS: ReplayerLimits = {
  indexedRecordings: 200_000,
  heldInteractions: 20_000,
  answers: 4_096,
  answerBytes: 64 * 2 ** 20,
  episodeIndexes: 2_000,
  bareEpisodes: 1_000,
  episodeStates: 10_000,
  parkedKeys: 200_000,
  addedInteractions: 1_000,
};

/** Answers are cached under `serial * SLOTS + slot`: exact in a double for 2^32 indexes of up to 2^21 recordings. */
const SLOTS = 2 ** 21;

/**
 * Serves recordings for golden and record-missing modes. An episode is indexed lazily (key →
 * recordings, no bodies); an answer is read from the store when it is first served and kept, ready
 * for the wire, in a bounded cache. Least recently used episode indexes are dropped when over the
 * limits and read again when asked for; what was served of them is kept.
 */
export class Replayer {
  readonly #store: Store;
  readonly #matcher: RequestMatcher;
  readonly #strict: boolean;
  readonly #limits: ReplayerLimits;
  /** States of episodes with recordings, oldest first, at most `episodeStates`. */
  readonly #states = new Map<string, EpisodeState>();
  /**
   * Of episodes with recordings whose state was dropped: times each key was asked for, and calls
   * (what occurrence counting needs; what was served is worked out again from these). Least
   * recently dropped first; `#parkedKeys` keys in all, at most `parkedKeys`.
   */
  readonly #parked = new Map<string, { used: Map<string, number>; calls: number; divergence: string | undefined }>();
  #parkedKeys = 0;
  /** States of episodes without recordings, least recently used first, at most `bareEpisodes`. */
  readonly #bare = new Map<string, EpisodeState>();
  /** In least-recently-used order (a Map iterates in insertion order). */
  readonly #episodes = new Map<string, EpisodeRecordings>();
  /** Episodes whose index is being read from the store: concurrent calls share one read. */
  readonly #loading = new Map<string, Promise<EpisodeRecordings>>();
  readonly #answers: AnswerCache<number>;
  readonly #endpoints = new Endpoints();
  /** Hits per episode and take of indexes dropped since (evicted, forgotten); `servedTakes` adds the held ones. */
  readonly #servedBefore = new Map<string, Map<number, number>>();
  #serial = 0;
  #indexed = 0;
  #held = 0;
  /** Interactions added this session held by the indexes (`addedInteractions`). */
  #added = 0;

  constructor(store: Store, matcher: RequestMatcher, strict: boolean, limits: Partial<ReplayerLimits> = {}) {
    this.#store = store;
    this.#matcher = matcher;
    this.#strict = strict;
    this.#limits = { ...DEFAULT_LIMITS, ...limits };
    this.#answers = new AnswerCache(this.#limits.answers, this.#limits.answerBytes);
  }

  /** Answers kept ready for the wire, and their approximate bytes. */
  get cachedAnswers(): { count: number; bytes: number } {
    return { count: this.#answers.size, bytes: this.#answers.bytes };
  }

  /** How much per-episode state is held (`/__cassette/stats` `memory`): each is bounded by a limit. */
  get tracked(): {
    episodeStates: number;
    parkedEpisodes: number;
    parkedKeys: number;
    bareEpisodes: number;
    episodeIndexes: number;
    indexedRecordings: number;
    heldInteractions: number;
    addedInteractions: number;
    servedTakeEpisodes: number;
    endpoints: number;
    answers: number;
  } {
    return {
      episodeStates: this.#states.size,
      parkedEpisodes: this.#parked.size,
      parkedKeys: this.#parkedKeys,
      bareEpisodes: this.#bare.size,
      episodeIndexes: this.#episodes.size,
      indexedRecordings: this.#indexed,
      heldInteractions: this.#held,
      addedInteractions: this.#added,
      servedTakeEpisodes: this.#servedBefore.size,
      endpoints: this.#endpoints.size,
      answers: this.#answers.size,
    };
  }

  /**
   * Indexes an episode (replay preloads its scope so untouched recordings count as unused). An
   * episode already indexed is returned at once: golden's hot path waits for the store only the
   * first time it meets an episode. `key`: the request key about to be looked up, which a network
   * store reads with the index (one round trip for a cold lookup).
   */
  load(episode: string, key?: string): MaybePromise<EpisodeRecordings> {
    const data = this.#episodes.get(episode);
    if (data) {
      this.#episodes.delete(episode);
      this.#episodes.set(episode, data);
      return data;
    }
    let loading = this.#loading.get(episode);
    if (!loading) {
      loading = this.#store
        .indexEpisode(episode, key)
        .then((index) => EpisodeRecordings.build(index, this.#matcher, this.#endpoints, ++this.#serial))
        .then((built) => this.#install(episode, built))
        .finally(() => this.#loading.delete(episode));
      this.#loading.set(episode, loading);
    }
    return loading;
  }

  #install(episode: string, data: EpisodeRecordings): EpisodeRecordings {
    this.#evictFor(data);
    this.#episodes.set(episode, data);
    this.#indexed += data.size;
    this.#held += data.held;
    // Made now, so an episode indexed and never asked for (a replay's preloaded scope) counts as unused.
    delete this.#state(episode, data).evicted;
    return data;
  }

  /** The n-th identical request gets the n-th recording; past the last, the last repeats (or, strict, a miss). */
  find(episode: string, key: string): MaybePromise<FindResult> {
    const data = this.load(episode, key);
    return data instanceof EpisodeRecordings ? this.#find(data, episode, key) : data.then((d) => this.#find(d, episode, key));
  }

  #find(data: EpisodeRecordings, episode: string, key: string): MaybePromise<FindResult> {
    const e = this.#state(episode, data);
    e.calls++;
    const slots = data.slotsOf(key);
    if (slots === undefined) return { kind: 'miss' };
    const count = typeof slots === 'number' ? 1 : slots.length;
    const n = e.used.get(key) ?? 0;
    if (n >= count && this.#strict) return { kind: 'miss', exhausted: count };
    const slot = typeof slots === 'number' ? slots : (slots[Math.min(n, count - 1)] as number);
    const answer = this.#answer(data, slot);
    const position = data.position(slot);
    const served = (): void => {
      data.hits++;
      e.used.set(key, n + 1);
      this.#noteOrder(data, e, slot);
      e.served.add(position);
    };
    const hit = (a: Answer): FindResult => ({
      kind: 'hit',
      position,
      occurrence: n + 1,
      prepared: a.prepared,
      usage: a.usage,
      costUsd: a.costUsd,
    });
    if (!(answer instanceof Promise)) {
      served();
      return hit(answer);
    }
    // Read asynchronously: noted as served before the answer arrives, so a concurrent identical
    // call gets the next recording; an answer that cannot be read is not counted as served.
    served();
    return answer.then(hit, (err: unknown) => {
      data.hits--;
      e.served.delete(position);
      e.unservedFrom = 0;
      e.used.set(key, Math.max(0, (e.used.get(key) ?? 1) - 1));
      throw err;
    });
  }

  /**
   * A recorded WebSocket session for `key`, with the occurrence rules of `find`: the whole
   * interaction (its frames), read from the store now, and marked served.
   */
  async findSession(
    episode: string,
    key: string,
  ): Promise<{ kind: 'hit'; interaction: Interaction } | { kind: 'miss'; exhausted?: number }> {
    const data = await this.load(episode, key);
    const e = this.#state(episode, data);
    e.calls++;
    const slots = data.slotsOf(key);
    if (slots === undefined) return { kind: 'miss' };
    const count = typeof slots === 'number' ? 1 : slots.length;
    const n = e.used.get(key) ?? 0;
    if (n >= count && this.#strict) return { kind: 'miss', exhausted: count };
    const slot = typeof slots === 'number' ? slots : (slots[Math.min(n, count - 1)] as number);
    e.used.set(key, n + 1);
    this.#noteOrder(data, e, slot);
    e.served.add(data.position(slot));
    data.hits++;
    return { kind: 'hit', interaction: await data.read(slot) };
  }

  /**
   * Makes a just-recorded interaction replayable (record-missing). `stored`: its store write, when
   * not committed yet; the index holding it is not dropped before it settles (read again from the
   * store, the index would lack it).
   */
  add(episode: string, interaction: Interaction, stored?: Promise<unknown>): MaybePromise<void> {
    const data = this.load(episode);
    const add = (d: EpisodeRecordings): void => {
      const { key, added } = d.add(interaction);
      const e = this.#state(episode, d);
      // Counted while the index is held (one dropped meanwhile is read again from the store).
      if (added && this.#episodes.get(episode) === d) {
        this.#indexed++;
        this.#held++;
        this.#added++;
        if (stored) {
          d.pending++;
          const settled = (): void => {
            d.pending--;
            this.#trimAdded();
          };
          stored.then(settled, settled);
        }
      }
      e.used.set(key, (e.used.get(key) ?? 0) + 1);
      e.served.add(interaction.position);
      this.#trimAdded();
    };
    return data instanceof EpisodeRecordings ? add(data) : data.then(add);
  }

  /** Explains a miss against the nearest recording of the episode (requests read from the store now). */
  async explain(
    episode: string,
    provider: Route,
    request: RecordedRequest,
    canonicalBody: (p: string) => CanonicalBodyFn,
  ): Promise<MissExplanation> {
    const data = await this.load(episode);
    const slots = Array.from({ length: Math.min(500, data.size) }, (_, slot) => slot);
    const stored = await Promise.all(slots.map((slot) => data.request(slot)));
    const candidates: Candidate[] = slots.map((slot) => {
      const { position, provider: p } = data.recording(slot);
      const r = stored[slot] as RecordedRequest;
      return { interaction: { position, request: r }, canonical: canonicalRequest(p, r, canonicalBody(p)) };
    });
    return explainMiss(canonicalRequest(provider.name, request, canonicalBody(provider.name)), candidates);
  }

  /**
   * Recordings not served, per episode asked for. An episode whose index was dropped to stay under
   * the limits reports what was unused when it was dropped: nothing was served of it since (a
   * call would have indexed it again).
   */
  unused(): { episode: string; take: number | undefined; recordings: Recording[] }[] {
    return [...this.#states, ...this.#bare].map(([episode, e]) => {
      const data = this.#episodes.get(episode);
      if (!data) return { episode, take: e.evicted?.take, recordings: e.evicted?.recordings ?? [] };
      return { episode, take: data.take, recordings: unusedOf(data, e) };
    });
  }

  /**
   * The takes this replayer served answers from, with how many: what the run ledger records so
   * `cassette prune --unused-since` knows which recordings are still in use. Counted in memory on
   * each hit (one field increment), read once when the run ends.
   */
  servedTakes(): { episode: string; take: number; hits: number }[] {
    const sums = new Map<string, Map<number, number>>();
    for (const [episode, takes] of this.#servedBefore) sums.set(episode, new Map(takes));
    for (const [episode, data] of this.#episodes) addHits(sums, episode, data);
    return [...sums].flatMap(([episode, takes]) => [...takes].map(([take, hits]) => ({ episode, take, hits })));
  }

  /** The first place an episode's calls left recorded order, in words. */
  divergences(): { episode: string; message: string }[] {
    return [...this.#states, ...this.#parked, ...this.#bare].flatMap(([episode, e]) =>
      e.divergence ? [{ episode, message: e.divergence }] : [],
    );
  }

  recordingCount(episode: string): MaybePromise<number> {
    const data = this.load(episode);
    return data instanceof EpisodeRecordings ? data.size : data.then((d) => d.size);
  }

  /** Forgets what was served (a test switching to an episode starts it afresh). */
  reset(episode: string): void {
    this.#unpark(episode);
    const states = this.#states.has(episode) ? this.#states : this.#bare;
    const e = states.get(episode);
    if (e)
      states.set(episode, {
        used: new Map(),
        served: new Set(),
        calls: 0,
        divergence: undefined,
        ...(e.evicted ? { evicted: e.evicted } : {}),
      });
  }

  /**
   * Drops what is known of an episode, index included: another mode of the same proxy may have
   * recorded it since (per-episode modes), so it is read from the store again when next asked for.
   */
  forget(episode: string): void {
    const data = this.#episodes.get(episode);
    this.#states.delete(episode);
    this.#bare.delete(episode);
    this.#unpark(episode);
    this.#loading.delete(episode);
    if (data) this.#drop(episode, data);
  }

  /** A missed call diverges from the recording at once: remember where, in words. */
  async noteMiss(episode: string, provider: string, request: RecordedRequest): Promise<void> {
    const data = await this.load(episode);
    const e = this.#state(episode, data);
    if (e.divergence !== undefined) return;
    const expected = firstUnserved(data, e);
    const got = `${provider} ${request.method} ${request.path} ${summarizeRequest(request)}`.trim();
    const step = e.calls;
    e.divergence = `step ${step}: every recording was already served; got ${got}`;
    if (expected >= 0) {
      e.divergence = `step ${step}: expected a call to ${describeShort(data, expected)}; got ${got}, which has no recording`;
      const full = await describe(data, expected);
      e.divergence = `step ${step}: expected a call to ${full}; got ${got}, which has no recording`;
    }
  }

  #answer(data: EpisodeRecordings, slot: number): MaybePromise<Answer> {
    const cacheKey = data.serial * SLOTS + slot;
    const cached = this.#answers.get(cacheKey);
    if (cached) return cached;
    const prepare = (i: Interaction): Answer => {
      const answer: Answer = {
        prepared: prepareResponse(i.response, { 'x-cassette-outcome': 'hit', 'x-cassette-take': String(i.take) }),
        usage: i.usage,
        costUsd: i.costUsd,
      };
      if (slot < SLOTS) this.#answers.set(cacheKey, answer);
      return answer;
    };
    const read = data.read(slot);
    return read instanceof Promise ? read.then(prepare) : prepare(read);
  }

  /** The episode's state, made when first asked for; kept apart (and bounded) while the episode has no recordings. */
  #state(episode: string, data: EpisodeRecordings): EpisodeState {
    let e = this.#states.get(episode);
    // Not moved on use (reports list episodes in the order they were first asked for): a state
    // dropped while in use is parked and comes back whole at the next call.
    if (e) return e;
    e = this.#bare.get(episode) ?? this.#revive(episode, data) ?? { used: new Map(), served: new Set(), calls: 0, divergence: undefined };
    this.#bare.delete(episode);
    if (data.size > 0) {
      this.#states.set(episode, e);
      for (const [oldest, dropped] of this.#states) {
        if (this.#states.size <= this.#limits.episodeStates) break;
        this.#states.delete(oldest);
        this.#park(oldest, dropped);
      }
      return e;
    }
    this.#bare.set(episode, e);
    for (const oldest of this.#bare.keys()) {
      if (this.#bare.size <= this.#limits.bareEpisodes) break;
      this.#bare.delete(oldest);
    }
    return e;
  }

  /** Keeps the per-key counts of an episode whose state is dropped (the oldest parked go past `parkedKeys`). */
  #park(episode: string, e: EpisodeState): void {
    this.#unpark(episode);
    if (e.used.size > this.#limits.parkedKeys) return;
    this.#parked.set(episode, { used: e.used, calls: e.calls, divergence: e.divergence });
    this.#parkedKeys += e.used.size;
    for (const [oldest, p] of this.#parked) {
      if (this.#parkedKeys <= this.#limits.parkedKeys) break;
      this.#parked.delete(oldest);
      this.#parkedKeys -= p.used.size;
    }
  }

  #unpark(episode: string): { used: Map<string, number>; calls: number; divergence: string | undefined } | undefined {
    const p = this.#parked.get(episode);
    if (!p) return undefined;
    this.#parked.delete(episode);
    this.#parkedKeys -= p.used.size;
    return p;
  }

  /**
   * The state of an episode coming back after it was dropped: its per-key counts as they were, and
   * what was served worked out from them (the first n recordings of a key asked for n times).
   */
  #revive(episode: string, data: EpisodeRecordings): EpisodeState | undefined {
    const p = this.#unpark(episode);
    if (!p) return undefined;
    const served = new Set<number>();
    for (const [key, n] of p.used) {
      const slots = data.slotsOf(key);
      if (slots === undefined) continue;
      const list = typeof slots === 'number' ? [slots] : slots;
      for (const slot of list.slice(0, n)) served.add(data.position(slot));
    }
    return { used: p.used, served, calls: p.calls, divergence: p.divergence };
  }

  /** Drops least recently used episodes (and their cached answers) until `incoming` fits under the limits. */
  #evictFor(incoming: EpisodeRecordings): void {
    for (const [episode, data] of this.#episodes) {
      if (
        this.#indexed + incoming.size <= this.#limits.indexedRecordings &&
        this.#held + incoming.held <= this.#limits.heldInteractions &&
        this.#episodes.size < this.#limits.episodeIndexes
      )
        return;
      this.#evict(episode, data);
    }
  }

  /**
   * Drops least recently used indexes holding recordings added this session, all committed, until
   * those held are within `addedInteractions`: each is read again from the store when next asked for.
   */
  #trimAdded(): void {
    if (this.#added <= this.#limits.addedInteractions) return;
    for (const [episode, data] of this.#episodes) {
      if (this.#added <= this.#limits.addedInteractions) return;
      if (data.added > 0 && data.pending === 0) this.#evict(episode, data);
    }
  }

  /** Drops an episode's index (its state remembers what was unused of it). */
  #evict(episode: string, data: EpisodeRecordings): void {
    const e = this.#states.get(episode) ?? this.#bare.get(episode);
    if (e) e.evicted = { take: data.take, recordings: unusedOf(data, e) };
    this.#drop(episode, data);
  }

  #drop(episode: string, data: EpisodeRecordings): void {
    addHits(this.#servedBefore, episode, data);
    this.#episodes.delete(episode);
    this.#indexed -= data.size;
    this.#held -= data.held;
    this.#added -= data.added;
    for (let slot = 0; slot < Math.min(data.size, SLOTS); slot++) this.#answers.delete(data.serial * SLOTS + slot);
  }

  /** A call is in order when it is the earliest recording not yet served. */
  #noteOrder(data: EpisodeRecordings, e: EpisodeState, served: number): void {
    if (e.divergence !== undefined || e.served.has(data.position(served))) return;
    const expected = firstUnserved(data, e);
    if (expected < 0 || expected === served) return;
    const step = e.calls;
    const words = (a: string, b: string): string => `step ${step}: expected a call to ${a}; got ${b}`;
    const [a, b] = [describe(data, expected), describe(data, served)];
    if (typeof a === 'string' && typeof b === 'string') {
      e.divergence = words(a, b);
      return;
    }
    // A store that reads requests asynchronously: the words without the requests now, whole soon.
    e.divergence = words(describeShort(data, expected), describeShort(data, served));
    void Promise.all([a, b]).then(
      ([x, y]) => (e.divergence = words(x, y)),
      () => undefined,
    );
  }
}

/** Adds an index's hits to per-episode, per-take sums (takes never served are left out). */
function addHits(sums: Map<string, Map<number, number>>, episode: string, data: EpisodeRecordings): void {
  if (data.hits === 0 || data.take === undefined) return;
  let takes = sums.get(episode);
  if (!takes) sums.set(episode, (takes = new Map()));
  takes.set(data.take, (takes.get(data.take) ?? 0) + data.hits);
}

/** The earliest recording of `data` not served yet (-1: none), found from where the last search ended. */
function firstUnserved(data: EpisodeRecordings, e: EpisodeState): number {
  const slot = data.firstNotIn(e.served, e.unservedOf === data.serial ? (e.unservedFrom ?? 0) : 0);
  e.unservedOf = data.serial;
  e.unservedFrom = slot < 0 ? data.size : slot;
  return slot;
}

function unusedOf(data: EpisodeRecordings, e: EpisodeState): Recording[] {
  const recordings: Recording[] = [];
  for (let slot = 0; slot < data.size; slot++) if (!e.served.has(data.position(slot))) recordings.push(data.recording(slot));
  return recordings;
}

function describeShort(data: EpisodeRecordings, slot: number): string {
  const r = data.recording(slot);
  return `${r.provider} ${r.method} ${r.path} (recorded step ${r.position})`;
}

function describe(data: EpisodeRecordings, slot: number): MaybePromise<string> {
  const r = data.recording(slot);
  const words = (request: RecordedRequest): string =>
    `${r.provider} ${r.method} ${r.path} ${summarizeRequest(request)}`.trim() + ` (recorded step ${r.position})`;
  const request = data.request(slot);
  return request instanceof Promise ? request.then(words) : words(request);
}
