import type { Command } from 'commander';
import { addStoreOption } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette rm EPISODE...`: removes episodes with all their takes. */
export function registerRmCommand(program: Command, setExit: SetExit): void {
  addStoreOption(program.command('rm').description('remove episodes (every take) from the store').argument('<episodes...>', 'episode ids'))
    .option('--json', 'print {"ok":true,"episodes":[...],"interactions":N}')
    .action(lazyAction(async () => (await import('./rm-action.js')).rmAction, setExit));
}
