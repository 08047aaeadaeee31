import type { MissDetail } from '../pipeline/call-result.js';

/** One proxied call as the server saw it; a miss carries what was asked and why it missed. */
export interface CallRecord {
  seq: number;
  at: string;
  episode: string;
  provider: string;
  method: string;
  path: string;
  outcome: string;
  status: number;
  ms: number;
  detail?: MissDetail;
}

/** What this session did with one episode. */
export interface EpisodeSession {
  hits: number;
  misses: number;
  lastUsed: string;
  /** The feed's sequence number of the episode's last call. */
  seq: number;
}

/** Recent calls kept for a page that opens mid-run. */
const RECENT = 500;
/** Misses kept for the run's report (each carries its request). */
const MISSES = 1000;
/** Episodes whose counts are kept, the most recently used (fresh ids must not grow the proxy: issue 13 item 9). */
export const ACTIVITY_SESSIONS = 10_000;

type Listener = (call: CallRecord) => void;

/** What the server hands the feed per call; `at` is taken when it is pushed (an ISO string is made only when read). */
export type CallInput = Omit<CallRecord, 'seq' | 'at'> & { at?: string };

/**
 * The calls of this proxy session as they happen: a short history, every miss (bounded), per
 * episode counts (bounded), and listeners (the UI's server-sent events). Cheap enough to run on every call:
 * the history is kept in columns of numbers and shared strings, not as one object per call, since
 * 500 records held across many collections were promoted to the old generation on every request
 * of a busy proxy (issue 20: ~10% of passthrough's CPU). A call's record object is made when read.
 */
export class ActivityFeed {
  readonly #seqs = new Float64Array(RECENT);
  readonly #ats = new Float64Array(RECENT);
  readonly #mss = new Float64Array(RECENT);
  readonly #statuses = new Int32Array(RECENT);
  readonly #episodes: string[] = new Array<string>(RECENT).fill('');
  readonly #providers: string[] = new Array<string>(RECENT).fill('');
  readonly #methods: string[] = new Array<string>(RECENT).fill('');
  readonly #paths: string[] = new Array<string>(RECENT).fill('');
  readonly #outcomes: string[] = new Array<string>(RECENT).fill('');
  readonly #details: (MissDetail | undefined)[] = new Array<MissDetail | undefined>(RECENT).fill(undefined);
  /** Calls held in the columns (at most RECENT); the next one goes at `#head`. */
  #count = 0;
  readonly #misses: CallRecord[] = [];
  readonly #sessions = new Map<string, Session>();
  /** The episode of the last call and its session (the Map's last entry). */
  #lastEpisode: string | undefined;
  #lastSession: Session | undefined;
  readonly #listeners = new Set<Listener>();
  #seq = 0;
  #head = 0;

  get seq(): number {
    return this.#seq;
  }

  push(call: CallInput): void {
    const seq = ++this.#seq;
    const atMs = call.at === undefined ? Date.now() : Date.parse(call.at);
    const i = this.#head;
    this.#seqs[i] = seq;
    this.#ats[i] = atMs;
    this.#mss[i] = call.ms;
    this.#statuses[i] = call.status;
    this.#episodes[i] = call.episode;
    this.#providers[i] = call.provider;
    this.#methods[i] = call.method;
    this.#paths[i] = call.path;
    this.#outcomes[i] = call.outcome;
    this.#details[i] = call.detail;
    this.#head = (i + 1) % RECENT;
    if (this.#count < RECENT) this.#count++;
    if (call.detail && this.#misses.length < MISSES) this.#misses.push(this.#record(i));
    // The usual call is of the same episode as the one before: its session is last in the Map
    // already. A delete and re-insert per call made the Map rehash its deleted slots over and over.
    let s = call.episode === this.#lastEpisode ? this.#lastSession : undefined;
    if (!s) {
      s = this.#sessions.get(call.episode);
      if (s) this.#sessions.delete(call.episode); // re-inserted last: the Map stays in least-recently-used order
      s ??= new Session(atMs, seq);
      this.#sessions.set(call.episode, s);
      if (this.#sessions.size > ACTIVITY_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value as string);
      this.#lastEpisode = call.episode;
      this.#lastSession = s;
    }
    if (call.outcome === 'hit') s.hits++;
    else if (call.outcome === 'miss') s.misses++;
    s.lastUsedMs = atMs;
    s.seq = seq;
    if (this.#listeners.size > 0) {
      const c = this.#record(i);
      for (const l of this.#listeners) l(c);
    }
  }

  /** Recent calls after `seq`, oldest first. */
  recent(after = 0): CallRecord[] {
    const out: CallRecord[] = [];
    const oldest = this.#count < RECENT ? 0 : this.#head;
    for (let k = 0; k < this.#count; k++) {
      const i = (oldest + k) % RECENT;
      if ((this.#seqs[i] as number) > after) out.push(this.#record(i));
    }
    return out;
  }

  #record(i: number): CallRecord {
    const detail = this.#details[i];
    return {
      seq: this.#seqs[i] as number,
      at: new Date(this.#ats[i] as number).toISOString(),
      episode: this.#episodes[i] as string,
      provider: this.#providers[i] as string,
      method: this.#methods[i] as string,
      path: this.#paths[i] as string,
      outcome: this.#outcomes[i] as string,
      status: this.#statuses[i] as number,
      ms: this.#mss[i] as number,
      ...(detail ? { detail } : {}),
    };
  }

  /** Every miss of the session (up to a thousand), oldest first. */
  misses(): CallRecord[] {
    return [...this.#misses];
  }

  /** Per-episode counts of the last ACTIVITY_SESSIONS episodes used, least recently used first. */
  sessions(): ReadonlyMap<string, EpisodeSession> {
    return this.#sessions;
  }

  /** How much the feed holds (`/__cassette/stats` `memory`). */
  get tracked(): { activitySessions: number; activityMisses: number } {
    return { activitySessions: this.#sessions.size, activityMisses: this.#misses.length };
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** One episode's counts; `lastUsed` is formatted when read (it changes on every call). */
class Session implements EpisodeSession {
  hits = 0;
  misses = 0;
  lastUsedMs: number;
  seq: number;

  constructor(lastUsedMs: number, seq: number) {
    this.lastUsedMs = lastUsedMs;
    this.seq = seq;
  }

  get lastUsed(): string {
    return new Date(this.lastUsedMs).toISOString();
  }
}
