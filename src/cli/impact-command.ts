import type { Command } from 'commander';
import { addStoreOption } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette impact FILE...`: the episodes whose recorded requests contain text from the files (docs/gates.md). */
export function registerImpactCommand(program: Command, setExit: SetExit): void {
  addStoreOption(
    program
      .command('impact')
      .description('list the episodes whose recorded requests contain text from the given files (prompts, system prompts, tool schemas)')
      .argument('<files...>', 'prompt templates, system prompts, tool schemas'),
  )
    .option('--ref <git-ref>', 'also look for the text the files had at this git revision (e.g. HEAD, origin/main)')
    .option('--min-length <n>', 'shortest piece of text looked for, in characters (default 16)')
    .option('--json', 'print one JSON document')
    .action(lazyAction(async () => (await import('./impact-action.js')).impactAction, setExit));
}
