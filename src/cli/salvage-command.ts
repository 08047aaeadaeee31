import type { Command } from 'commander';
import { addStoreOption } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette salvage TARGET`: copies what is readable of a damaged SQLite store into a new store. */
export function registerSalvageCommand(program: Command, setExit: SetExit): void {
  addStoreOption(
    program
      .command('salvage')
      .description('copy every readable take of a damaged SQLite store into a new store and list what was lost (the store is only read)')
      .argument('<target>', 'the new store: *.db/*.sqlite/*.sqlite3 = SQLite, else a JSON directory; must not exist'),
  )
    .option('--force', 'replace TARGET when it exists')
    .option('--json', 'print {"ok":bool,"copied":{...},"lost":[{"where","reason"}],"notes":[...]}')
    .action(lazyAction(async () => (await import('./salvage-action.js')).salvageAction, setExit));
}
