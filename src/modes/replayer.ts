import type { Route } from '../providers/registry.js';
import { explainMiss } from '../match/explain-miss.js';
import type { Candidate, MissExplanation } from '../match/explain-miss.js';
import { canonicalRequest } from '../match/request-key.js';
import type { CanonicalBodyFn } from '../match/canonical-body.js';
import type { RequestMatcher } from '../match/request-matcher.js';
import { summarizeRequest } from '../match/summarize-request.js';
import { indexEpisode } from '../store/index-episode.js';
import type { Store } from '../store/store.js';
import type { Interaction, RecordedRequest, Usage } from '../types.js';
import { AnswerCache } from './answer-cache.js';
import type { Answer } from './answer-cache.js';
import { Endpoints, EpisodeRecordings } from './episode-recordings.js';
import type { Recording } from './episode-recordings.js';
import { prepareResponse } from './send-recorded.js';
import type { PreparedResponse } from './send-recorded.js';

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
}

const DEFAULT_LIMITS: ReplayerLimits = { indexedRecordings: 200_000, heldInteractions: 20_000, answers: 4_096, answerBytes: 64 * 2 ** 20 };

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
  readonly #states = new Map<string, EpisodeState>();
  /** In least-recently-used order (a Map iterates in insertion order). */
  readonly #episodes = new Map<string, EpisodeRecordings>();
  readonly #answers: AnswerCache<number>;
  readonly #endpoints = new Endpoints();
  #serial = 0;
  #indexed = 0;
  #held = 0;

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

  /** Indexes an episode now (replay preloads its scope so untouched recordings count as unused). */
  load(episode: string): EpisodeRecordings {
    let data = this.#episodes.get(episode);
    if (data) {
      this.#episodes.delete(episode);
      this.#episodes.set(episode, data);
      return data;
    }
    data = new EpisodeRecordings(indexEpisode(this.#store, episode), this.#matcher, this.#endpoints, ++this.#serial);
    this.#evictFor(data);
    this.#episodes.set(episode, data);
    this.#indexed += data.size;
    this.#held += data.held;
    this.#state(episode);
    return data;
  }

  /** The n-th identical request gets the n-th recording; past the last, the last repeats (or, strict, a miss). */
  find(episode: string, key: string): FindResult {
    const data = this.load(episode);
    const e = this.#state(episode);
    e.calls++;
    const slots = data.slotsOf(key);
    if (slots === undefined) return { kind: 'miss' };
    const count = typeof slots === 'number' ? 1 : slots.length;
    const n = e.used.get(key) ?? 0;
    if (n >= count && this.#strict) return { kind: 'miss', exhausted: count };
    const slot = typeof slots === 'number' ? slots : (slots[Math.min(n, count - 1)] as number);
    const answer = this.#answer(data, slot);
    e.used.set(key, n + 1);
    this.#noteOrder(data, e, slot);
    const position = data.position(slot);
    e.served.add(position);
    return {
      kind: 'hit',
      position,
      occurrence: n + 1,
      prepared: answer.prepared,
      usage: answer.usage,
      costUsd: answer.costUsd,
    };
  }

  /**
   * A recorded WebSocket session for `key`, with the occurrence rules of `find`: the whole
   * interaction (its frames), read from the store now, and marked served.
   */
  findSession(episode: string, key: string): { kind: 'hit'; interaction: Interaction } | { kind: 'miss'; exhausted?: number } {
    const data = this.load(episode);
    const e = this.#state(episode);
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
    return { kind: 'hit', interaction: data.read(slot) };
  }

  /** Makes a just-recorded interaction replayable (record-missing). */
  add(episode: string, interaction: Interaction): void {
    const data = this.load(episode);
    const e = this.#state(episode);
    const key = data.add(interaction);
    this.#indexed++;
    this.#held++;
    e.used.set(key, (e.used.get(key) ?? 0) + 1);
    e.served.add(interaction.position);
  }

  /** Explains a miss against the nearest recording of the episode (requests read from the store now). */
  explain(episode: string, provider: Route, request: RecordedRequest, canonicalBody: (p: string) => CanonicalBodyFn): MissExplanation {
    const data = this.load(episode);
    const candidates: Candidate[] = [];
    for (let slot = 0; slot < Math.min(500, data.size); slot++) {
      const { position, provider: p } = data.recording(slot);
      const stored = data.request(slot);
      candidates.push({ interaction: { position, request: stored }, canonical: canonicalRequest(p, stored, canonicalBody(p)) });
    }
    return explainMiss(canonicalRequest(provider.name, request, canonicalBody(provider.name)), candidates);
  }

  /** Recordings not served, per episode asked for (an evicted episode is indexed again). */
  unused(): { episode: string; take: number | undefined; recordings: Recording[] }[] {
    return [...this.#states].map(([episode, e]) => {
      const data = this.load(episode);
      const recordings: Recording[] = [];
      for (let slot = 0; slot < data.size; slot++) if (!e.served.has(data.position(slot))) recordings.push(data.recording(slot));
      return { episode, take: data.take, recordings };
    });
  }

  /** The first place an episode's calls left recorded order, in words. */
  divergences(): { episode: string; message: string }[] {
    return [...this.#states].flatMap(([episode, e]) => (e.divergence ? [{ episode, message: e.divergence }] : []));
  }

  recordingCount(episode: string): number {
    return this.load(episode).size;
  }

  /** Forgets what was served (a test switching to an episode starts it afresh). */
  reset(episode: string): void {
    if (this.#states.has(episode)) this.#states.set(episode, { used: new Map(), served: new Set(), calls: 0, divergence: undefined });
  }

  /**
   * Drops what is known of an episode, index included: another mode of the same proxy may have
   * recorded it since (per-episode modes), so it is read from the store again when next asked for.
   */
  forget(episode: string): void {
    const data = this.#episodes.get(episode);
    this.#states.delete(episode);
    if (!data) return;
    this.#episodes.delete(episode);
    this.#indexed -= data.size;
    this.#held -= data.held;
    for (let slot = 0; slot < Math.min(data.size, SLOTS); slot++) this.#answers.delete(data.serial * SLOTS + slot);
  }

  /** A missed call diverges from the recording at once: remember where, in words. */
  noteMiss(episode: string, provider: string, request: RecordedRequest): void {
    const data = this.load(episode);
    const e = this.#state(episode);
    if (e.divergence !== undefined) return;
    const expected = data.firstNotIn(e.served);
    const got = `${provider} ${request.method} ${request.path} ${summarizeRequest(request)}`.trim();
    e.divergence =
      expected >= 0
        ? `step ${e.calls}: expected a call to ${describe(data, expected)}; got ${got}, which has no recording`
        : `step ${e.calls}: every recording was already served; got ${got}`;
  }

  #answer(data: EpisodeRecordings, slot: number): Answer {
    const cacheKey = data.serial * SLOTS + slot;
    let answer = this.#answers.get(cacheKey);
    if (!answer) {
      const i = data.read(slot);
      answer = {
        prepared: prepareResponse(i.response, { 'x-cassette-outcome': 'hit', 'x-cassette-take': String(i.take) }),
        usage: i.usage,
        costUsd: i.costUsd,
      };
      if (slot < SLOTS) this.#answers.set(cacheKey, answer);
    }
    return answer;
  }

  #state(episode: string): EpisodeState {
    let e = this.#states.get(episode);
    if (!e) this.#states.set(episode, (e = { used: new Map(), served: new Set(), calls: 0, divergence: undefined }));
    return e;
  }

  /** Drops least recently used episodes (and their cached answers) until `incoming` fits under the limits. */
  #evictFor(incoming: EpisodeRecordings): void {
    for (const [episode, data] of this.#episodes) {
      if (this.#indexed + incoming.size <= this.#limits.indexedRecordings && this.#held + incoming.held <= this.#limits.heldInteractions)
        return;
      this.#episodes.delete(episode);
      this.#indexed -= data.size;
      this.#held -= data.held;
      for (let slot = 0; slot < Math.min(data.size, SLOTS); slot++) this.#answers.delete(data.serial * SLOTS + slot);
    }
  }

  /** A call is in order when it is the earliest recording not yet served. */
  #noteOrder(data: EpisodeRecordings, e: EpisodeState, served: number): void {
    if (e.divergence !== undefined || e.served.has(data.position(served))) return;
    const expected = data.firstNotIn(e.served);
    if (expected < 0 || expected === served) return;
    e.divergence = `step ${e.calls}: expected a call to ${describe(data, expected)}; got ${describe(data, served)}`;
  }
}

function describe(data: EpisodeRecordings, slot: number): string {
  const r = data.recording(slot);
  return `${r.provider} ${r.method} ${r.path} ${summarizeRequest(data.request(slot))}`.trim() + ` (recorded step ${r.position})`;
}
