import type { RequestMatcher } from '../match/request-matcher.js';
import type { MaybePromise, TakeIndex } from '../store/store.js';
import type { Interaction, RecordedRequest } from '../types.js';

/** A recording as reports name it. */
export interface Recording {
  position: number;
  provider: string;
  method: string;
  path: string;
}

/**
 * The distinct (provider, method, path) triples of all indexed recordings, numbered: a recording
 * stores a number instead of three strings.
 */
export class Endpoints {
  readonly #list: { provider: string; method: string; path: string }[] = [];
  readonly #numbers = new Map<string, number>();

  numberOf(provider: string, method: string, path: string): number {
    const id = `${provider}\n${method}\n${path}`;
    let n = this.#numbers.get(id);
    if (n === undefined) {
      n = this.#list.push({ provider, method, path }) - 1;
      this.#numbers.set(id, n);
    }
    return n;
  }

  /** Distinct triples numbered so far (one small entry each, bounded by what the store holds). */
  get size(): number {
    return this.#list.length;
  }

  get(n: number): { provider: string; method: string; path: string } {
    return this.#list[n] as { provider: string; method: string; path: string };
  }
}

/**
 * An episode's recordings as golden serves them: the newest take's index, by key, in a few typed
 * arrays and one Map (a long-running proxy indexes tens of thousands of recordings: one object
 * each would make every garbage collection slower). A recording is a slot: 0, 1, ... in position
 * order, then those added this session.
 *
 * A stored key is used as it is when it was computed under the current key rules (its `keyRules`
 * fingerprint equals the matcher's); otherwise (an older store, `match` rules changed since) it is
 * computed again from the stored request, so such a store still matches instead of silently missing.
 */
export class EpisodeRecordings {
  readonly take: number | undefined;
  /** Distinguishes this index from an earlier one of the same episode (answers are cached per slot). */
  readonly serial: number;
  /** Answers served from this take so far (a field, not a write: the ledger gets it at run end). */
  hits = 0;
  /**
   * Recordings added this session whose store write has not committed yet: while there is one,
   * this index must stay (read again from the store, it would lack them).
   */
  pending = 0;
  #size = 0;
  #ids: Float64Array;
  #positions: Float64Array;
  #endpoints: Uint32Array;
  /** Key → its slot, or its slots in order when the key was recorded more than once. */
  readonly #byKey = new Map<string, number | number[]>();
  /** Recordings added this session (record-missing), held whole: they have no id to read them by. */
  readonly #added = new Map<number, Interaction>();
  /** The index's readers, not the index: its list of entries is garbage once indexed here. */
  readonly #reader: Pick<TakeIndex, 'read' | 'readRequest' | 'resident'> | undefined;
  readonly #matcher: RequestMatcher;
  readonly #table: Endpoints;

  /**
   * Indexes a take. Keys computed under other rules are computed again from the stored requests:
   * synchronously when the store reads them synchronously (SQLite, directory), else after reading them all.
   */
  static build(
    index: TakeIndex | undefined,
    matcher: RequestMatcher,
    endpoints: Endpoints,
    serial: number,
  ): MaybePromise<EpisodeRecordings> {
    const rekeyed = new Map<number, RecordedRequest | Promise<RecordedRequest>>();
    let waiting = false;
    for (const i of index?.interactions ?? []) {
      if (i.keyRules !== undefined && i.keyRules === matcher.rulesFingerprint(i.provider)) continue;
      const request = (index as TakeIndex).readRequest(i.id);
      if (request instanceof Promise) waiting = true;
      rekeyed.set(i.id, request);
    }
    if (!waiting) return new EpisodeRecordings(index, matcher, endpoints, serial, rekeyed as Map<number, RecordedRequest>);
    const ids = [...rekeyed.keys()];
    return Promise.all(rekeyed.values()).then((requests) => {
      const read = new Map(ids.map((id, n) => [id, requests[n] as RecordedRequest]));
      return new EpisodeRecordings(index, matcher, endpoints, serial, read);
    });
  }

  private constructor(
    index: TakeIndex | undefined,
    matcher: RequestMatcher,
    endpoints: Endpoints,
    serial: number,
    requests: ReadonlyMap<number, RecordedRequest>,
  ) {
    this.take = index?.take;
    this.serial = serial;
    this.#reader = index && { read: index.read, readRequest: index.readRequest, resident: index.resident };
    this.#matcher = matcher;
    this.#table = endpoints;
    const n = index?.interactions.length ?? 0;
    this.#ids = new Float64Array(n);
    this.#positions = new Float64Array(n);
    this.#endpoints = new Uint32Array(n);
    for (const i of index?.interactions ?? []) {
      const request = requests.get(i.id);
      const key = request === undefined ? i.key : matcher.keyOf(i.provider, request);
      this.#push(key, i.id, i.position, endpoints.numberOf(i.provider, i.method, i.path));
    }
  }

  get size(): number {
    return this.#size;
  }

  /** Recordings added this session (held whole). */
  get added(): number {
    return this.#added.size;
  }

  /** Whole interactions this holds in memory (every one, for an index kept whole; else those added). */
  get held(): number {
    return this.#reader?.resident ? this.#size : this.#added.size;
  }

  /** The slots recorded under `key`, in order. */
  slotsOf(key: string): number | readonly number[] | undefined {
    return this.#byKey.get(key);
  }

  position(slot: number): number {
    return this.#positions[slot] as number;
  }

  recording(slot: number): Recording {
    return { position: this.position(slot), ...this.#table.get(this.#endpoints[slot] as number) };
  }

  /** The earliest recording from slot `from` on whose position is not in `served`, or -1. */
  firstNotIn(served: ReadonlySet<number>, from = 0): number {
    for (let s = from; s < this.#size; s++) if (!served.has(this.#positions[s] as number)) return s;
    return -1;
  }

  /**
   * Makes a just-recorded interaction replayable; returns the key it is found by and whether it
   * was added (an interaction this index already read from the store, committed before the index
   * was read, is not added twice).
   */
  add(interaction: Interaction): { key: string; added: boolean } {
    const { provider, request } = interaction;
    const key = this.#trusts(provider, interaction.keyRules) ? interaction.key : this.#matcher.keyOf(provider, request);
    const known = this.#byKey.get(key);
    const slots = known === undefined ? [] : typeof known === 'number' ? [known] : known;
    if (slots.some((slot) => this.#positions[slot] === interaction.position)) return { key, added: false };
    this.#added.set(this.#push(key, -1, interaction.position, this.#table.numberOf(provider, request.method, request.path)), interaction);
    return { key, added: true };
  }

  /** The whole interaction, read from the store (golden reads an answer only when it serves it). */
  read(slot: number): MaybePromise<Interaction> {
    return this.#added.get(slot) ?? (this.#reader as TakeIndex).read(this.#ids[slot] as number);
  }

  /** The stored request (a miss explanation, a divergence report). */
  request(slot: number): MaybePromise<RecordedRequest> {
    return this.#added.get(slot)?.request ?? (this.#reader as TakeIndex).readRequest(this.#ids[slot] as number);
  }

  #trusts(provider: string, keyRules: string | undefined): boolean {
    return keyRules !== undefined && keyRules === this.#matcher.rulesFingerprint(provider);
  }

  #push(key: string, id: number, position: number, endpoint: number): number {
    const slot = this.#size++;
    if (slot === this.#ids.length) {
      const grow = <T extends Float64Array | Uint32Array>(a: T, make: (n: number) => T): T => {
        const b = make(Math.max(8, a.length * 2));
        b.set(a);
        return b;
      };
      this.#ids = grow(this.#ids, (n) => new Float64Array(n));
      this.#positions = grow(this.#positions, (n) => new Float64Array(n));
      this.#endpoints = grow(this.#endpoints, (n) => new Uint32Array(n));
    }
    this.#ids[slot] = id;
    this.#positions[slot] = position;
    this.#endpoints[slot] = endpoint;
    const known = this.#byKey.get(key);
    if (known === undefined) this.#byKey.set(key, slot);
    else if (typeof known === 'number') this.#byKey.set(key, [known, slot]);
    else known.push(slot);
    return slot;
  }
}
