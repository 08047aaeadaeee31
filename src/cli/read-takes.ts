import type { Store } from '../store/store.js';
import type { Interaction } from '../types.js';

/** The interactions of one take, in call order. */
export interface TakeInteractions {
  episode: string;
  take: number;
  interactions: Interaction[];
}

/**
 * Interactions grouped by take, ordered by episode then take: by default only the take golden
 * serves of each episode. Incomplete calls are included: they were made and cost tokens.
 */
export async function readTakes(
  store: Store,
  options: { allTakes?: boolean; episodes?: readonly string[] } = {},
): Promise<TakeInteractions[]> {
  const groups = new Map<string, TakeInteractions>();
  const filter = {
    newestTakeOnly: !options.allTakes,
    includeIncomplete: true,
    ...(options.episodes ? { episodes: options.episodes } : {}),
  };
  for await (const i of store.interactions(filter)) {
    const id = `${i.episode}\u0000${i.take}`;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { episode: i.episode, take: i.take, interactions: [] }));
    group.interactions.push(i);
  }
  return [...groups.values()]
    .map((g) => ({ ...g, interactions: g.interactions.sort((a, b) => a.position - b.position) }))
    .sort((a, b) => (a.episode < b.episode ? -1 : a.episode > b.episode ? 1 : a.take - b.take));
}
