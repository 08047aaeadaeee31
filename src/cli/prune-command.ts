import type { Command } from 'commander';
import { CassetteError } from '../errors.js';
import { parseDuration } from '../store/parse-duration.js';
import { planPrune } from '../store/plan-prune.js';
import type { PruneRules } from '../store/plan-prune.js';
import { formatTable } from './format-table.js';
import { printData, printJson, printTalk } from './output.js';
import { positiveInt } from './positive-int.js';
import { addStoreOption, resolveStorePath, withStore } from './store-option.js';
import { unknownEpisode } from './unknown-episode.js';
import { collect } from './common-options.js';

interface PruneFlags {
  keepTakes?: string;
  olderThan?: string;
  episode?: string[];
  dryRun?: boolean;
  store?: string;
  json?: boolean;
}

/**
 * `cassette prune`: removes older takes. Each episode always keeps its newest take and the take
 * golden serves (see planPrune); with both rules, a take goes only when both say so.
 */
export function registerPruneCommand(program: Command, _setExit: (code: number) => void): void {
  addStoreOption(program.command('prune').description('remove older takes (the newest take and the served take of each episode stay)'))
    .option('--keep-takes <n>', 'keep the N newest takes of each episode')
    .option('--older-than <duration>', 'remove takes created longer ago than this: 30d, 12h, 90m, 2w')
    .option('--episode <id>', 'only this episode (repeatable)', collect)
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('--json', 'print {"ok":true,"dryRun":bool,"takes":[...],"interactions":N}')
    .action((flags: PruneFlags) => {
      const rules = rulesOf(flags);
      const { doomed, removed } = withStore(resolveStorePath(flags.store), { readonly: flags.dryRun === true }, (store) => {
        if (rules.episodes) {
          const known = store.listEpisodes();
          const missing = rules.episodes.filter((e) => !known.includes(e));
          if (missing.length > 0) throw unknownEpisode(missing, known);
        }
        const doomed = planPrune(store.listTakes(), rules);
        const removed = flags.dryRun ? doomed.reduce((n, t) => n + t.interactions, 0) : store.removeTakes(doomed);
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
    });
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
