import type { Command } from 'commander';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette copy --from A --to B`: moves takes between any two stores (docs/stores.md, "Fleet"). */
export function registerCopyCommand(program: Command, setExit: SetExit): void {
  program
    .command('copy')
    .description('copy every take of one store into another (SQLite, directory, PostgreSQL); idempotent, resumable, never deletes')
    .requiredOption('--from <store>', 'store to read')
    .requiredOption('--to <store>', 'store to write (created when missing)')
    .option('--quiet', 'no progress bar and no summary line (errors are still printed)')
    .option('--json', 'print {"ok":bool,"copied":{"takes","interactions"},"present":n,"conflicts":[...]}')
    .action(lazyAction(async () => (await import('./copy-action.js')).copyAction, setExit));
}
