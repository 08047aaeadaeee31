import type { Store } from './store.js';
import type { Interaction } from '../types.js';

/**
 * The newest complete interaction of `key` in the episode's served take, read from the store now
 * (not from a proxy's index): what another proxy of the fleet recorded meanwhile.
 */
export async function findRecorded(store: Store, episode: string, key: string): Promise<Interaction | undefined> {
  const index = await store.indexEpisode(episode);
  if (!index) return undefined;
  for (let n = index.interactions.length - 1; n >= 0; n--) {
    const i = index.interactions[n];
    if (i?.key === key) return await index.read(i.id);
  }
  return undefined;
}
