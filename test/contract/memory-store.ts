/** A Store over an array, enough for the contract commands (which only read interactions). */
import type { InteractionFilter, Store } from '../../src/store/store.js';
import type { Interaction } from '../../src/types.js';

export function memoryStore(all: Interaction[]): Store {
  const unsupported = (): never => {
    throw new Error('not supported by the memory store');
  };
  return {
    location: ':memory:',
    loadEpisode: unsupported,
    beginTake: unsupported,
    continueTake: unsupported,
    listEpisodes: () => [...new Set(all.map((i) => i.episode))].sort(),
    listTakes: () => [],
    *interactions(filter: InteractionFilter = {}) {
      const newest = new Map<string, number>();
      for (const i of all) newest.set(i.episode, Math.max(newest.get(i.episode) ?? 0, i.take));
      for (const i of all) {
        if (filter.episodes && !filter.episodes.includes(i.episode)) continue;
        if (filter.newestTakeOnly !== false && newest.get(i.episode) !== i.take) continue;
        if (!filter.includeIncomplete && !i.complete) continue;
        yield i;
      }
    },
    removeEpisodes: unsupported,
    removeTakes: unsupported,
    batch: unsupported,
    recordRun: async () => unsupported(),
    listRuns: async () => [],
    close: () => undefined,
  };
}
