import type { Command } from 'commander';
import { addStoreOption, collect } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette diff EP [--take A --take B]` and `cassette diff EP1 EP2`. */
export function registerDiffCommand(program: Command, setExit: SetExit): void {
  addStoreOption(
    program
      .command('diff')
      .description('what changed between two takes of an episode (default the two newest) or two episodes, step by step; no money spent')
      .argument('<episodes...>', 'one episode (with --take twice, or its two newest takes), or two episodes'),
  )
    .option('--take <n>', 'a take to compare (give it twice)', collect)
    .option('--json', 'one JSON document: {"ok","a","b","changed","steps":[...]}')
    .action(lazyAction(async () => (await import('./diff-action.js')).diffAction, setExit));
}
