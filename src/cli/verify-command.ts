import type { Command } from 'commander';
import { addStoreOption } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette verify`: exit 1 when a store holds a credential shape or fails an integrity check. */
export function registerVerifyCommand(program: Command, setExit: SetExit): void {
  addStoreOption(program.command('verify').description('check a store or export directory for credentials and damage'))
    .option('--config <file>', 'config file, for verify.patterns (default cassette.config.json if present)')
    .option('--max-age <duration>', 'also fail on served recordings older than this: 30d, 12h, 2w (docs/gates.md)')
    .option('--lock <file>', 'also check the takes pinned in this file (default cassette.lock in the working directory, if present)')
    .option('--quiet', 'no progress bar and no verdict line (findings and the exit code stay) (errors are still printed)')
    .option('--json', 'print {"ok":bool,"findings":[...]}')
    .action(lazyAction(async () => (await import('./verify-action.js')).verifyAction, setExit));
}
