import type { CassetteError } from '../../errors.js';
import type { Interaction, RecordedRequest } from '../../types.js';
import type { IndexedInteraction, MaybePromise, TakeIndex } from '../store.js';
import { isConnectionError } from './postgres-error.js';

/** Interactions kept in memory at most (their bodies included); the oldest read goes first. */
const MAX_CACHED = 50_000;

/**
 * The in-memory read-through cache of one proxy's PostgreSQL store. Recorded interactions never
 * change once written (a row is only ever added or removed), so an interaction read once by id is
 * served from memory from then on: golden costs one round trip per interaction per proxy, and a
 * cached read answers synchronously, as SQLite does. Episode indexes are read from the database
 * each time, and the last one read is kept: when the database cannot be reached, golden goes on
 * serving what is cached (with one warning on stderr per outage), and what is not cached fails
 * with `store_unreachable`, never a wrong answer.
 */
export class ReadThroughCache {
  readonly #location: string;
  readonly #interactions = new Map<number, Interaction>();
  readonly #indexes = new Map<string, { take: number; interactions: IndexedInteraction[] }>();
  #down = false;

  constructor(location: string) {
    this.#location = location;
  }

  /** The database answered: an outage, if there was one, is over. */
  reachable(): void {
    if (!this.#down) return;
    this.#down = false;
    process.stderr.write(`cassette: warning: the PostgreSQL store ${this.#location} is reachable again\n`);
  }

  /** The database could not be reached: warns once per outage. */
  unreachable(err: CassetteError): void {
    if (this.#down) return;
    this.#down = true;
    process.stderr.write(
      `cassette: warning: ${err.message}; serving the ${this.#interactions.size} recordings cached in memory, others fail with store_unreachable until it is back\n`,
    );
  }

  /** The episode's index, read from the database (or its last copy when the database is unreachable). */
  async index(
    episode: string,
    read: () => Promise<{ take: number; interactions: IndexedInteraction[]; read?: Map<number, Interaction> } | undefined>,
    readById: (id: number) => Promise<Interaction>,
  ): Promise<TakeIndex | undefined> {
    let found: { take: number; interactions: IndexedInteraction[] } | undefined;
    try {
      const fresh = await read();
      // Interactions read with the index (a key the caller asked for): cached like any other read.
      for (const [id, i] of fresh?.read ?? []) this.#keep(id, i);
      found = fresh && { take: fresh.take, interactions: fresh.interactions };
    } catch (err) {
      const cached = this.#indexes.get(episode);
      if (!cached || !isConnectionError(err)) throw err;
      found = cached;
    }
    if (!found) {
      this.#indexes.delete(episode);
      return undefined;
    }
    this.#indexes.set(episode, found);
    const read1 = (id: number): MaybePromise<Interaction> => {
      const hit = this.#interactions.get(id);
      if (hit) return hit;
      return readById(id).then((i) => this.#keep(id, i));
    };
    return {
      episode,
      take: found.take,
      interactions: found.interactions,
      resident: false,
      read: read1,
      readRequest: (id): MaybePromise<RecordedRequest> => {
        const i = read1(id);
        return i instanceof Promise ? i.then((x) => x.request) : i.request;
      },
    };
  }

  #keep(id: number, i: Interaction): Interaction {
    if (this.#interactions.size >= MAX_CACHED) {
      const oldest = this.#interactions.keys().next();
      if (!oldest.done) this.#interactions.delete(oldest.value);
    }
    this.#interactions.set(id, i);
    return i;
  }
}
