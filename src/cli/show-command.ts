import type { Command } from 'commander';
import { addStoreOption } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette show EPISODE`: every step of a take, readable, or the full interactions with --json. */
export function registerShowCommand(program: Command, setExit: SetExit): void {
  addStoreOption(
    program
      .command('show')
      .description('show the recorded calls of an episode (the take golden serves unless --take)')
      .argument('<episode>', 'episode id'),
  )
    .option('--take <n>', 'take number (default: the take golden serves)')
    .option('--step <n>', 'only this step (call position, from 1)')
    .option('--config <file>', 'config file, for its price overrides (default cassette.config.json if present)')
    .option('--events', 'list every stream event and WebSocket frame with its time')
    .option('--json', 'print the full interactions as one JSON document')
    .action(lazyAction(async () => (await import('./show-action.js')).showAction, setExit));
}
