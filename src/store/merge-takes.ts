import { CassetteError } from '../errors.js';
import type { Interaction, TakeSummary } from '../types.js';
import { takeHash } from './pin-lock.js';
import { readTake } from './pinned-store.js';
import type { Store } from './store.js';

/** What a copy or a merge did, take by take. */
export interface MergeReport {
  /** Takes written to the target, and their interactions. */
  copied: { takes: number; interactions: number };
  /** Takes the target already held (copied before, or the same content under another number). */
  present: number;
  /** Takes left alone because the target holds a different take under the same number. */
  conflicts: { episode: string; take: number; reason: string }[];
}

export interface MergeOptions {
  /**
   * `keep`: every take under its own number (`cassette copy`); a take the target already holds
   * with the same counts is skipped, one that differs is a conflict and left alone.
   * `new`: each take the target does not hold (by content hash) becomes the episode's next take
   * there (`import --as-new-take`: two runners' recordings of one episode merge without clashing).
   */
  numbers: 'keep' | 'new';
  /** Called after each source take: how many are done of how many. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Copies the takes of `from` into `into`, never deleting or changing anything there. Each take is
 * written whole or not at all (`Store.importTake`), so an interrupted run leaves whole takes and
 * running it again copies only what is missing.
 */
export async function mergeTakes(from: Store, into: Store, options: MergeOptions): Promise<MergeReport> {
  const source = await from.listTakes();
  const target = new Map((await into.listTakes()).map((t) => [keyOf(t), t]));
  const report: MergeReport = { copied: { takes: 0, interactions: 0 }, present: 0, conflicts: [] };
  const hashes = new Map<string, Promise<Set<string>>>();
  const hashesOf = (episode: string): Promise<Set<string>> => {
    let h = hashes.get(episode);
    if (!h) {
      h = targetHashes(
        into,
        episode,
        [...target.values()].filter((t) => t.episode === episode),
      );
      hashes.set(episode, h);
    }
    return h;
  };
  let done = 0;
  const step = (): void => options.onProgress?.(++done, source.length);

  // Which takes need their interactions read: the rest are settled from the listings alone.
  const wanted = new Set<string>();
  for (const t of source) {
    const there = target.get(keyOf(t));
    if (options.numbers === 'new' || !there) wanted.add(keyOf(t));
    else if (there.interactions === t.interactions && there.incomplete === t.incomplete) {
      report.present++;
      step();
    } else {
      report.conflicts.push({
        episode: t.episode,
        take: t.take,
        reason: `the target's take ${t.take} holds ${there.interactions} interactions, the source's ${t.interactions}`,
      });
      step();
    }
  }
  const byKey = new Map(source.map((t) => [keyOf(t), t]));
  const seen = new Set<string>();
  const write = async (summary: TakeSummary, interactions: Interaction[]): Promise<void> => {
    seen.add(keyOf(summary));
    if (options.numbers === 'keep') await into.importTake(summary, interactions);
    else {
      const known = await hashesOf(summary.episode);
      const hash = takeHash(interactions.filter((i) => i.complete));
      if (known.has(hash)) {
        report.present++;
        step();
        return;
      }
      await importAsNewTake(into, summary, interactions, target);
      known.add(hash);
    }
    report.copied.takes++;
    report.copied.interactions += interactions.length;
    step();
  };
  // One take in memory at a time, in the source's order (episode, take, position).
  let batch: { summary: TakeSummary; interactions: Interaction[] } | undefined;
  const reading =
    wanted.size === 0 ? [] : from.interactions({ newestTakeOnly: false, includeIncomplete: true, ...episodesOf(source, wanted) });
  for await (const i of reading) {
    if (!wanted.has(keyOf(i))) continue;
    if (!batch || keyOf(batch.summary) !== keyOf(i)) {
      if (batch) await write(batch.summary, batch.interactions);
      const summary = byKey.get(keyOf(i));
      if (!summary) throw new CassetteError('store_unreadable', `${from.location}: ${i.episode} take ${i.take} is not listed`);
      batch = { summary, interactions: [] };
    }
    batch.interactions.push(i);
  }
  if (batch) await write(batch.summary, batch.interactions);
  // Takes without interactions (a session that opened a take and recorded nothing) still count.
  for (const t of source) if (wanted.has(keyOf(t)) && !seen.has(keyOf(t))) await write(t, []);
  return report;
}

/** The episode's next free take number in `into` (another writer taking it meanwhile: the one after). */
async function importAsNewTake(
  into: Store,
  summary: TakeSummary,
  interactions: Interaction[],
  target: Map<string, TakeSummary>,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const taken = [...target.values()].filter((t) => t.episode === summary.episode).map((t) => t.take);
    const take = Math.max(0, ...taken) + 1;
    const renumbered = { ...summary, take };
    try {
      await into.importTake(
        renumbered,
        interactions.map((i) => ({ ...i, take })),
      );
      target.set(keyOf(renumbered), renumbered);
      return;
    } catch (err) {
      if (!(err instanceof CassetteError) || err.code !== 'bad_usage' || attempt >= 20) throw err;
      // Taken by another writer since the listing: read the numbers again.
      for (const t of await into.listTakes(summary.episode)) target.set(keyOf(t), t);
    }
  }
}

async function targetHashes(into: Store, episode: string, takes: TakeSummary[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const t of takes) out.add(takeHash(await readTake(into, episode, t.take)));
  return out;
}

function episodesOf(source: TakeSummary[], wanted: Set<string>): { episodes?: string[] } {
  const episodes = [...new Set(source.filter((t) => wanted.has(keyOf(t))).map((t) => t.episode))];
  return episodes.length === new Set(source.map((t) => t.episode)).size ? {} : { episodes };
}

function keyOf(t: { episode: string; take: number }): string {
  return `${t.episode}\u0000${t.take}`;
}
