import type { Store } from './store.js';
import type { Interaction } from '../types.js';

/**
 * The newest complete interaction of `key` in the episode's served take, read from the store now
 * (never from a proxy's index or a read-through cache): what another proxy of the fleet recorded
 * meanwhile.
 */
export async function findRecorded(store: Store, episode: string, key: string): Promise<Interaction | undefined> {
  let found: Interaction | undefined;
  for await (const i of store.interactions({ episodes: [episode] })) if (i.key === key) found = i;
  return found;
}
