import { CassetteError } from '../errors.js';
import type { Interaction } from '../types.js';
import { residentTakeIndex } from './index-episode.js';
import { takeHash } from './pin-lock.js';
import type { PinLock } from './pin-lock.js';
import type { EpisodeIndex, Store, TakeIndex } from './store.js';

/** The complete interactions of one take, position ascending (empty when the store lacks the take). */
export async function readTake(store: Store, episode: string, take: number): Promise<Interaction[]> {
  const out: Interaction[] = [];
  for await (const i of store.interactions({ episodes: [episode], newestTakeOnly: false })) if (i.take === take) out.push(i);
  return out.sort((a, b) => a.position - b.position);
}

/**
 * Golden behind a `cassette.lock`: each episode is served from its pinned take, whatever newer
 * takes the store holds, and only while that take's content hash is the pinned one. An episode the
 * lock does not name is refused (`cassette_unpinned`), a take gone or changed too
 * (`cassette_pin_mismatch`): a branch replays exactly what it was reviewed with, or fails loudly.
 */
export class PinnedStore implements Store {
  readonly #store: Store;
  readonly #lock: PinLock;
  readonly #lockPath: string;

  constructor(store: Store, lock: PinLock, lockPath: string) {
    this.#store = store;
    this.#lock = lock;
    this.#lockPath = lockPath;
  }

  get location(): string {
    return this.#store.location;
  }

  get kind(): Store['kind'] {
    return this.#store.kind;
  }

  async loadEpisode(episode: string): Promise<EpisodeIndex> {
    const pin = this.#lock.episodes[episode];
    if (!pin)
      throw new CassetteError(
        'cassette_unpinned',
        `episode "${episode}" is not pinned in ${this.#lockPath}: golden serves only pinned takes`,
        {
          hint: `Review the episode, then run \`cassette pin ${episode}\` and commit ${this.#lockPath}.`,
        },
      );
    const interactions = await readTake(this.#store, episode, pin.take);
    if (interactions.length === 0)
      throw new CassetteError('cassette_pin_mismatch', `episode "${episode}": pinned take ${pin.take} is not in ${this.#store.location}`, {
        hint: 'Copy the take into this store (cassette copy), or pin a take it holds.',
      });
    const hash = takeHash(interactions);
    if (hash !== pin.hash)
      throw new CassetteError(
        'cassette_pin_mismatch',
        `episode "${episode}": take ${pin.take} in ${this.#store.location} is not the pinned one (hash ${hash.slice(0, 19)}…, pinned ${pin.hash.slice(0, 19)}…)`,
        {
          hint: `The take changed after it was pinned (re-recorded or continued). Review it, then re-pin with \`cassette pin ${episode}\`.`,
        },
      );
    return { episode, take: pin.take, interactions };
  }

  async indexEpisode(episode: string): Promise<TakeIndex> {
    return residentTakeIndex(await this.loadEpisode(episode));
  }

  beginTake: Store['beginTake'] = (e, m) => this.#store.beginTake(e, m);
  continueTake: Store['continueTake'] = (e, m, t) => this.#store.continueTake(e, m, t);
  appendGroup: Store['appendGroup'] = (a) => this.#store.appendGroup(a);
  listEpisodes: Store['listEpisodes'] = () => this.#store.listEpisodes();
  listTakes: Store['listTakes'] = (e) => this.#store.listTakes(e);
  summarizeEpisodes: Store['summarizeEpisodes'] = (q) => this.#store.summarizeEpisodes(q);
  interactions: Store['interactions'] = (f) => this.#store.interactions(f);
  removeEpisodes: Store['removeEpisodes'] = (e) => this.#store.removeEpisodes(e);
  removeTakes: Store['removeTakes'] = (t) => this.#store.removeTakes(t);
  importTake: Store['importTake'] = (s, i) => this.#store.importTake(s, i);
  recordRun: Store['recordRun'] = (r) => this.#store.recordRun(r);
  listRuns: Store['listRuns'] = (f) => this.#store.listRuns(f);
  close: Store['close'] = () => this.#store.close();
}
