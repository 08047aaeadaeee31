import type { Command } from 'commander';
import { addStoreOption } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette ls`: the episodes of a store with their newest take's calls, tokens and cost. */
export function registerLsCommand(program: Command, setExit: SetExit): void {
  addStoreOption(program.command('ls').description('list the episodes of the store'))
    .option('--config <file>', 'config file, for its price overrides (default cassette.config.json if present)')
    .option('--json', 'print a JSON array on stdout')
    .action(lazyAction(async () => (await import('./ls-action.js')).lsAction, setExit));
}
