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

type Listener = (call: CallRecord) => void;

/**
 * The calls of this proxy session as they happen: a short history, every miss (bounded), per
 * episode counts, and listeners (the UI's server-sent events). Cheap enough to run on every call.
 */
export class ActivityFeed {
  readonly #recent: CallRecord[] = [];
  readonly #misses: CallRecord[] = [];
  readonly #sessions = new Map<string, EpisodeSession>();
  readonly #listeners = new Set<Listener>();
  #seq = 0;
  #head = 0;

  get seq(): number {
    return this.#seq;
  }

  push(call: Omit<CallRecord, 'seq'>): void {
    const c: CallRecord = { seq: ++this.#seq, ...call };
    if (this.#recent.length < RECENT) this.#recent.push(c);
    else {
      this.#recent[this.#head] = c;
      this.#head = (this.#head + 1) % RECENT;
    }
    if (c.detail && this.#misses.length < MISSES) this.#misses.push(c);
    let s = this.#sessions.get(c.episode);
    if (!s) this.#sessions.set(c.episode, (s = { hits: 0, misses: 0, lastUsed: c.at, seq: c.seq }));
    if (c.outcome === 'hit') s.hits++;
    else if (c.outcome === 'miss') s.misses++;
    s.lastUsed = c.at;
    s.seq = c.seq;
    for (const l of this.#listeners) l(c);
  }

  /** Recent calls after `seq`, oldest first. */
  recent(after = 0): CallRecord[] {
    const ordered = [...this.#recent.slice(this.#head), ...this.#recent.slice(0, this.#head)];
    return ordered.filter((c) => c.seq > after);
  }

  /** Every miss of the session (up to a thousand), oldest first. */
  misses(): CallRecord[] {
    return [...this.#misses];
  }

  sessions(): ReadonlyMap<string, EpisodeSession> {
    return this.#sessions;
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
