import { CassetteError } from '../errors.js';
import type { Interaction } from '../types.js';
import type { Store, TakeIndex } from './store.js';

/**
 * The take golden serves of an episode, as a `TakeIndex`: from the store's own `indexEpisode`
 * (SQLite: small rows, answers read by id), else from `loadEpisode`, the whole take kept in
 * memory behind the same interface (the directory store, whose take file is read whole anyway).
 */
export function indexEpisode(store: Store, episode: string): TakeIndex | undefined {
  if (store.indexEpisode) return store.indexEpisode(episode);
  const loaded = store.loadEpisode(episode);
  if (!loaded) return undefined;
  const all = loaded.interactions;
  const at = (id: number): Interaction => {
    const i = all[id];
    if (!i) throw new CassetteError('internal_error', `episode "${episode}" has no interaction #${id}`);
    return i;
  };
  return {
    episode,
    take: loaded.take,
    interactions: all.map((i, id) => ({
      id,
      position: i.position,
      provider: i.provider,
      method: i.request.method,
      path: i.request.path,
      key: i.key,
      keyRules: i.keyRules,
    })),
    resident: true,
    read: at,
    readRequest: (id) => at(id).request,
  };
}
