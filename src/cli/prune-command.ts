import type { Command } from 'commander';
import { addStoreOption, collect } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/**
 * `cassette prune`: removes older takes. Each episode always keeps its newest take and the take
 * golden serves (see planPrune), unless --whole-episodes; with several rules, a take goes only when all say so.
 */
export function registerPruneCommand(program: Command, setExit: SetExit): void {
  addStoreOption(program.command('prune').description('remove older takes (the newest take and the served take of each episode stay)'))
    .option('--keep-takes <n>', 'keep the N newest takes of each episode')
    .option('--older-than <duration>', 'remove takes created longer ago than this: 30d, 12h, 90m, 2w')
    .option('--unused-since <duration>', 'remove takes neither recorded nor served (run ledger) for this long: 30d')
    .option('--whole-episodes', 'with --unused-since: an episode none of whose takes was used goes whole')
    .option('--episode <id>', 'only this episode (repeatable)', collect)
    .option('--dry-run', 'list what would be removed, remove nothing')
    .option('--json', 'print {"ok":true,"dryRun":bool,"takes":[...],"episodes":[...],"interactions":N}')
    .action(lazyAction(async () => (await import('./prune-action.js')).pruneAction, setExit));
}
