import type { Command } from 'commander';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette export DIR` and `cassette import DIR`: the deterministic JSON directory format. */
export function registerExportCommands(program: Command, setExit: SetExit): void {
  program
    .command('export')
    .description('write the whole store as a JSON directory (one file per take), replacing DIR')
    .argument('<dir>', 'target directory: new, empty, or a previous export')
    .option('--store <path>', 'store to read')
    .option('--force', 'replace DIR even when it is not empty and not a previous export')
    .option('--quiet', 'no progress bar and no summary line (errors are still printed)')
    .option('--json', 'machine-readable output')
    .action(lazyAction(async () => (await import('./export-action.js')).exportAction, setExit));
  program
    .command('import')
    .description('add the takes of a JSON directory to the store')
    .argument('<dir>', 'directory written by cassette export (or served with --store DIR); with --as-new-take, any store')
    .option('--store <path>', 'store to write')
    .option(
      '--as-new-take',
      "merge: each take the store lacks (by content) becomes the episode's next take, so two runners' imports never clash",
    )
    .option('--quiet', 'no progress bar and no summary line (errors are still printed)')
    .option('--json', 'machine-readable output')
    .action(lazyAction(async () => (await import('./export-action.js')).importAction, setExit));
}
