import type { TakeSummary } from '../types.js';

export interface PruneRules {
  /** Keep this many newest takes of each episode. */
  keepTakes?: number;
  /** Takes created before this instant may go (ms since the epoch). */
  olderThan?: number;
  /** Only these episodes (default: every episode). */
  episodes?: readonly string[];
}

/**
 * Which takes `cassette prune` removes. A take goes only when every rule given says so (beyond
 * the N newest AND older than the cutoff), so adding a rule never removes more. Two takes of an
 * episode always stay: its newest take, and the take golden serves (the newest one holding a
 * complete interaction), so pruning never leaves an episode that replays differently or not at all.
 */
export function planPrune(takes: readonly TakeSummary[], rules: PruneRules): TakeSummary[] {
  const wanted = rules.episodes ? new Set(rules.episodes) : undefined;
  const byEpisode = new Map<string, TakeSummary[]>();
  for (const t of takes) {
    if (wanted && !wanted.has(t.episode)) continue;
    byEpisode.set(t.episode, [...(byEpisode.get(t.episode) ?? []), t]);
  }
  const doomed: TakeSummary[] = [];
  for (const list of byEpisode.values()) {
    const newestFirst = [...list].sort((a, b) => b.take - a.take);
    const served = newestFirst.find((t) => t.interactions > t.incomplete);
    newestFirst.forEach((t, rank) => {
      if (rank === 0 || t === served) return;
      const beyondKeep = rules.keepTakes === undefined || rank >= rules.keepTakes;
      const old = rules.olderThan === undefined || Date.parse(t.createdAt) < rules.olderThan;
      if (beyondKeep && old) doomed.push(t);
    });
  }
  return doomed.sort((a, b) => a.episode.localeCompare(b.episode) || a.take - b.take);
}
