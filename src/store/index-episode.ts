import { CassetteError } from '../errors.js';
import type { Interaction } from '../types.js';
import type { EpisodeIndex, TakeIndex } from './store.js';

/**
 * A take loaded whole, behind golden's `TakeIndex` interface: the index of a store whose take is
 * read whole anyway (the directory store's take file). Its readers answer synchronously.
 */
export function residentTakeIndex(loaded: EpisodeIndex): TakeIndex {
  const { episode } = loaded;
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
