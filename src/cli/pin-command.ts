import type { Command } from 'commander';
import { addStoreOption } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette pin [EP...]`: writes cassette.lock, the takes golden serves (docs/stores.md, "Fleet"). */
export function registerPinCommand(program: Command, setExit: SetExit): void {
  addStoreOption(
    program
      .command('pin')
      .description('pin the served take of episodes in cassette.lock (episode → take and content hash); golden then serves only those')
      .argument('[episodes...]', 'episodes to pin or re-pin (default: every episode of the store, and the lock holds exactly those)'),
  )
    .option('--lock <file>', 'the pin file to write (default cassette.lock in the working directory)')
    .option('--take <n>', 'pin this take instead of the newest complete one (one episode only)')
    .option('--json', 'print {"ok":true,"lock":...,"episodes":[{"episode","take","hash","changed"}]}')
    .action(lazyAction(async () => (await import('./pin-action.js')).pinAction, setExit));
}
