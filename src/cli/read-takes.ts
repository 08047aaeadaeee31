import { CassetteError } from '../errors.js';
import type { Store } from '../store/store.js';
import { printTalk, talkPaint } from './output.js';
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

/** `readTakes`, or when the store is damaged (store_corrupt), what can still be read of it. */
export interface ReadableTakes {
  takes: TakeInteractions[];
  /** The damage met (store_corrupt), when some of the store could not be read. */
  damage?: CassetteError;
  /** Episodes left out because reading them hit the damage. */
  unreadable: string[];
}

/**
 * Reads like `readTakes`; when that meets a damaged part of the store (store_corrupt), reads each
 * episode on its own and keeps those that can be read, so `stats` can show what is readable
 * beside the finding. Any other error, and damage that hides the list of episodes itself, is thrown.
 */
export async function readReadableTakes(store: Store, options: { allTakes?: boolean } = {}): Promise<ReadableTakes> {
  try {
    return { takes: await readTakes(store, options), unreadable: [] };
  } catch (err) {
    if (!isCorrupt(err)) throw err;
    const takes: TakeInteractions[] = [];
    const unreadable: string[] = [];
    for (const episode of await store.listEpisodes()) {
      try {
        takes.push(...(await readTakes(store, { ...options, episodes: [episode] })));
      } catch (e) {
        if (!isCorrupt(e)) throw e;
        unreadable.push(episode);
      }
    }
    return { takes, damage: err, unreadable };
  }
}

/** The finding under a partial table (stderr): the damage, the episodes left out, the hint. */
export function printDamage(damage: CassetteError, unreadable: readonly string[]): void {
  const paint = talkPaint();
  const one = unreadable.length === 1;
  const left = `${unreadable.length} episode${one ? '' : 's'} could not be read and ${one ? 'is' : 'are'} not in the table: ${unreadable.join(', ')}`;
  printTalk(`${paint.fail(`cassette: ${damage.message}`)}\n${left}${damage.hint ? `\n${paint.dim(`  hint: ${damage.hint}`)}` : ''}`);
}

function isCorrupt(err: unknown): err is CassetteError {
  return err instanceof CassetteError && err.code === 'store_corrupt';
}
