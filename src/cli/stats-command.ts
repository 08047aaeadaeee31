import type { Command } from 'commander';
import { addStoreOption } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette stats`: calls, tokens, cost and latency per episode, and in total. */
export function registerStatsCommand(program: Command, setExit: SetExit): void {
  addStoreOption(program.command('stats').description('calls, tokens, cost and latency per episode (the take golden serves)'))
    .option('--all-takes', 'one row per take instead of the served take only')
    .option('--config <file>', 'config file, for its price overrides (default cassette.config.json if present)')
    .option('--json', 'print one JSON document')
    .action(lazyAction(async () => (await import('./stats-action.js')).statsAction, setExit));
}
