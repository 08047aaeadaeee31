import type { TakeSummary } from '../types.js';
import type { RunRecord } from './run-record.js';

export interface PruneRules {
  /** Keep this many newest takes of each episode. */
  keepTakes?: number;
  /** Takes created before this instant may go (ms since the epoch). */
  olderThan?: number;
  /**
   * Takes not used since this instant may go (ms since the epoch): neither recorded (created,
   * appended to) nor served by a run of the ledger since. `lastUsed` says when each take was last
   * served (see lastServed).
   */
  unusedSince?: { cutoff: number; lastServed: ReadonlyMap<string, number>; wholeEpisodes: boolean };
  /** Only these episodes (default: every episode). */
  episodes?: readonly string[];
}

/** What `cassette prune` removes: single takes, and with `--whole-episodes` episodes whose every take went unused. */
export interface PrunePlan {
  takes: TakeSummary[];
  /** Episodes removed whole (every take is in `takes` too). */
  episodes: string[];
}

/** The key of a take in `lastServed`. */
export function takeKey(episode: string, take: number): string {
  return `${episode}\0${take}`;
}

/**
 * When each take was last served according to the run ledger: the end of the newest run whose
 * `served` list names it. Also the instant from which the ledger knows (its oldest run that
 * recorded `served`), or undefined when no run did: before that, "not served" means "not known".
 */
export function lastServed(runs: readonly RunRecord[]): { lastServed: Map<string, number>; knownSince: number | undefined } {
  const last = new Map<string, number>();
  let knownSince: number | undefined;
  for (const run of runs) {
    if (!run.served) continue;
    const started = Date.parse(run.startedAt);
    if (knownSince === undefined || started < knownSince) knownSince = started;
    const ended = Date.parse(run.endedAt);
    for (const t of run.served) {
      const k = takeKey(t.episode, t.take);
      if (t.hits > 0 && ended > (last.get(k) ?? -Infinity)) last.set(k, ended);
    }
  }
  return { lastServed: last, knownSince };
}

/**
 * Which takes `cassette prune` removes. A take goes only when every rule given says so (beyond
 * the N newest AND older than the cutoff AND unused since), so adding a rule never removes more.
 * Two takes of an episode always stay: its newest take, and the take golden serves (the newest one
 * holding a complete interaction), so pruning never leaves an episode that replays differently or
 * not at all. The one exception is asked for by name: with `unusedSince.wholeEpisodes`, an episode
 * none of whose takes was used since the cutoff (and that every other rule lets go whole) goes
 * with all its takes.
 */
export function planPrune(takes: readonly TakeSummary[], rules: PruneRules): PrunePlan {
  const wanted = rules.episodes ? new Set(rules.episodes) : undefined;
  const byEpisode = new Map<string, TakeSummary[]>();
  for (const t of takes) {
    if (wanted && !wanted.has(t.episode)) continue;
    byEpisode.set(t.episode, [...(byEpisode.get(t.episode) ?? []), t]);
  }
  const doomed: TakeSummary[] = [];
  const whole: string[] = [];
  for (const [episode, list] of byEpisode) {
    const newestFirst = [...list].sort((a, b) => b.take - a.take);
    const served = newestFirst.find((t) => t.interactions > t.incomplete);
    const goes = newestFirst.map((t, rank) => {
      const beyondKeep = rules.keepTakes === undefined || rank >= rules.keepTakes;
      const old = rules.olderThan === undefined || Date.parse(t.createdAt) < rules.olderThan;
      return beyondKeep && old && unused(t, rules);
    });
    // --keep-takes N keeps N takes, so an episode goes whole only without it (or with N = 0, refused earlier).
    if (rules.unusedSince?.wholeEpisodes && rules.keepTakes === undefined && goes.every(Boolean)) {
      whole.push(episode);
      doomed.push(...newestFirst);
      continue;
    }
    newestFirst.forEach((t, rank) => {
      if (rank !== 0 && t !== served && goes[rank]) doomed.push(t);
    });
  }
  return {
    takes: doomed.sort((a, b) => a.episode.localeCompare(b.episode) || a.take - b.take),
    episodes: whole.sort((a, b) => a.localeCompare(b)),
  };
}

/** Neither recorded nor served since the cutoff (always true without the rule). */
function unused(t: TakeSummary, rules: PruneRules): boolean {
  const u = rules.unusedSince;
  if (!u) return true;
  const written = Math.max(Date.parse(t.createdAt), t.closedAt ? Date.parse(t.closedAt) : -Infinity);
  const used = Math.max(written, u.lastServed.get(takeKey(t.episode, t.take)) ?? -Infinity);
  return used < u.cutoff;
}
