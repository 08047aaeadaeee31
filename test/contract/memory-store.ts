/** A Store over an array, enough for the contract commands (which only read interactions). */
import type { InteractionFilter, Store } from '../../src/store/store.js';
import type { Interaction } from '../../src/types.js';

export function memoryStore(all: Interaction[]): Store {
  const unsupported = (): Promise<never> => Promise.reject(new Error('not supported by the memory store'));
  return {
    location: ':memory:',
    kind: 'directory',
    loadEpisode: unsupported,
    indexEpisode: unsupported,
    beginTake: unsupported,
    continueTake: unsupported,
    appendGroup: unsupported,
    listEpisodes: async () => [...new Set(all.map((i) => i.episode))].sort(),
    listTakes: async () => [],
    summarizeEpisodes: unsupported,
    async *interactions(filter: InteractionFilter = {}) {
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
    importTake: unsupported,
    recordRun: unsupported,
    listRuns: async () => [],
    close: async () => undefined,
  };
}
