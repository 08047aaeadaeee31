import type { Command } from 'commander';
import { addStoreOption } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette stale --older-than D`: served recordings older than D (docs/gates.md). */
export function registerStaleCommand(program: Command, setExit: SetExit): void {
  addStoreOption(program.command('stale').description('list the served recordings older than a duration (exit 1 when there are any)'))
    .option('--older-than <duration>', 'age limit: 30d, 12h, 90m, 2w (default 30d, config gates.stale.olderThan)')
    .option('--config <file>', 'config file (default cassette.config.json if present)')
    .option('--json', 'print one JSON document')
    .action(lazyAction(async () => (await import('./stale-action.js')).staleAction, setExit));
}
