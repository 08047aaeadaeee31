import { CassetteError } from '../errors.js';
import { parseDuration } from '../store/parse-duration.js';
import { lastServed, planPrune } from '../store/plan-prune.js';
import type { PruneRules } from '../store/plan-prune.js';
import type { Store } from '../store/store.js';
import { formatTable } from './format-table.js';
import { printData, printJson, printTalk } from './output.js';
import { positiveInt } from './positive-int.js';
import { resolveStorePath, withStore } from './store-option.js';
import { unknownEpisode } from './unknown-episode.js';

interface PruneFlags {
  keepTakes?: string;
  olderThan?: string;
  unusedSince?: string;
  wholeEpisodes?: boolean;
  episode?: string[];
  dryRun?: boolean;
  store?: string;
  json?: boolean;
}

/** `cassette prune`: removes the takes the rules pick (see planPrune for what always stays). */
export async function pruneAction(flags: PruneFlags): Promise<void> {
  const rules = rulesOf(flags);
  const { plan, removed } = await withStore(await resolveStorePath(flags), { readonly: flags.dryRun === true }, async (store) => {
    if (rules.episodes) {
      const known = await store.listEpisodes();
      const missing = rules.episodes.filter((e) => !known.includes(e));
      if (missing.length > 0) throw unknownEpisode(missing, known);
    }
    if (flags.unusedSince !== undefined) rules.unusedSince = await unusedRule(store, flags.unusedSince, flags.wholeEpisodes === true);
    const plan = planPrune(await store.listTakes(), rules);
    const count = plan.takes.reduce((n, t) => n + t.interactions, 0);
    if (flags.dryRun) return { plan, removed: count };
    const whole = new Set(plan.episodes);
    const single = plan.takes.filter((t) => !whole.has(t.episode));
    // removeTakes runs even with nothing to remove: it also deletes the blobs no take refers to.
    const removed = (whole.size > 0 ? await store.removeEpisodes([...whole]) : 0) + (await store.removeTakes(single));
    return { plan, removed };
  });
  const doomed = plan.takes;
  const verb = flags.dryRun ? 'would remove' : 'removed';
  if (flags.json) {
    const takes = doomed.map((t) => ({ episode: t.episode, take: t.take, createdAt: t.createdAt, interactions: t.interactions }));
    printJson({ ok: true, dryRun: flags.dryRun === true, takes, episodes: plan.episodes, interactions: removed });
  } else if (doomed.length > 0) {
    printData(
      formatTable(
        [{ title: 'EPISODE' }, { title: 'TAKE', align: 'right' }, { title: 'CALLS', align: 'right' }, { title: 'CREATED' }],
        doomed.map((t) => [t.episode, String(t.take), String(t.interactions), t.createdAt]),
      ),
    );
  }
  const episodes = plan.episodes.length > 0 ? `, ${plan.episodes.length} whole episode${plan.episodes.length === 1 ? '' : 's'}` : '';
  printTalk(
    `${verb} ${doomed.length} take${doomed.length === 1 ? '' : 's'}${episodes} (${removed} interaction${removed === 1 ? '' : 's'})`,
  );
}

/**
 * `--unused-since`: what the run ledger says was served, and since when it knows. A ledger that
 * started recording served takes after the cutoff cannot tell "unused" from "not known", so the
 * rule is refused rather than removing recordings a test still uses.
 */
async function unusedRule(store: Store, value: string, wholeEpisodes: boolean): Promise<NonNullable<PruneRules['unusedSince']>> {
  const cutoff = Date.now() - parseDuration(value, '--unused-since');
  const { lastServed: served, knownSince } = lastServed(await store.listRuns());
  if (knownSince === undefined || knownSince > cutoff) {
    const since =
      knownSince === undefined
        ? 'has no run that recorded which takes it served'
        : `knows what was served only since ${new Date(knownSince).toISOString()}`;
    throw new CassetteError(
      'bad_usage',
      `--unused-since ${value}: the run ledger of ${store.location} ${since}, so unused cannot be told from unknown`,
      {
        hint: 'Record the runs that replay these episodes in the ledger (cassette run --ledger -- CMD, or --label/--junit) for that long first, or give a shorter duration.',
      },
    );
  }
  return { cutoff, lastServed: served, wholeEpisodes };
}

function rulesOf(flags: PruneFlags): PruneRules {
  if (flags.keepTakes === undefined && flags.olderThan === undefined && flags.unusedSince === undefined) {
    // Removing data needs a stated rule: a bare `prune` does nothing rather than guess.
    throw new CassetteError('bad_usage', 'prune needs --keep-takes N, --older-than DURATION or --unused-since DURATION', {
      hint: 'Example: cassette prune --keep-takes 2 --dry-run',
    });
  }
  if (flags.wholeEpisodes && flags.unusedSince === undefined) {
    throw new CassetteError('bad_usage', '--whole-episodes goes with --unused-since DURATION', {
      hint: 'Example: cassette prune --unused-since 30d --whole-episodes --dry-run',
    });
  }
  return {
    ...(flags.keepTakes !== undefined ? { keepTakes: positiveInt('--keep-takes', flags.keepTakes) } : {}),
    ...(flags.olderThan !== undefined ? { olderThan: Date.now() - parseDuration(flags.olderThan) } : {}),
    ...(flags.episode ? { episodes: flags.episode } : {}),
  };
}
