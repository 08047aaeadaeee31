import { CassetteError } from '../errors.js';
import { parseDuration } from '../store/parse-duration.js';
import { planPrune } from '../store/plan-prune.js';
import type { PruneRules } from '../store/plan-prune.js';
import { formatTable } from './format-table.js';
import { printData, printJson, printTalk } from './output.js';
import { positiveInt } from './positive-int.js';
import { resolveStorePath, withStore } from './store-option.js';
import { unknownEpisode } from './unknown-episode.js';

interface PruneFlags {
  keepTakes?: string;
  olderThan?: string;
  episode?: string[];
  dryRun?: boolean;
  store?: string;
  json?: boolean;
}

/** `cassette prune`: removes the takes the rules pick (see planPrune for what always stays). */
export async function pruneAction(flags: PruneFlags): Promise<void> {
  const rules = rulesOf(flags);
  const { doomed, removed } = await withStore(await resolveStorePath(flags), { readonly: flags.dryRun === true }, async (store) => {
    if (rules.episodes) {
      const known = await store.listEpisodes();
      const missing = rules.episodes.filter((e) => !known.includes(e));
      if (missing.length > 0) throw unknownEpisode(missing, known);
    }
    const doomed = planPrune(await store.listTakes(), rules);
    const removed = flags.dryRun ? doomed.reduce((n, t) => n + t.interactions, 0) : await store.removeTakes(doomed);
    return { doomed, removed };
  });
  const verb = flags.dryRun ? 'would remove' : 'removed';
  if (flags.json) {
    const takes = doomed.map((t) => ({ episode: t.episode, take: t.take, createdAt: t.createdAt, interactions: t.interactions }));
    printJson({ ok: true, dryRun: flags.dryRun === true, takes, interactions: removed });
  } else if (doomed.length > 0) {
    printData(
      formatTable(
        [{ title: 'EPISODE' }, { title: 'TAKE', align: 'right' }, { title: 'CALLS', align: 'right' }, { title: 'CREATED' }],
        doomed.map((t) => [t.episode, String(t.take), String(t.interactions), t.createdAt]),
      ),
    );
  }
  printTalk(`${verb} ${doomed.length} take${doomed.length === 1 ? '' : 's'} (${removed} interaction${removed === 1 ? '' : 's'})`);
}

function rulesOf(flags: PruneFlags): PruneRules {
  if (flags.keepTakes === undefined && flags.olderThan === undefined) {
    // Removing data needs a stated rule: a bare `prune` does nothing rather than guess.
    throw new CassetteError('bad_usage', 'prune needs --keep-takes N, --older-than DURATION, or both', {
      hint: 'Example: cassette prune --keep-takes 2 --dry-run',
    });
  }
  return {
    ...(flags.keepTakes !== undefined ? { keepTakes: positiveInt('--keep-takes', flags.keepTakes) } : {}),
    ...(flags.olderThan !== undefined ? { olderThan: Date.now() - parseDuration(flags.olderThan) } : {}),
    ...(flags.episode ? { episodes: flags.episode } : {}),
  };
}
