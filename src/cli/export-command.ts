import { existsSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadOptions } from '../config/load-config.js';
import type { CliFlags } from '../config/load-config.js';
import { exportStore, importStore } from '../store/export-store.js';
import { openStore } from '../store/open-store.js';
import { printData, printJson } from './output.js';

type Flags = CliFlags & { json?: boolean };

/** `cassette export DIR` and `cassette import DIR`: the deterministic JSON directory format. */
export function registerExportCommands(program: Command, setExit: (code: number) => void): void {
  program
    .command('export')
    .description('write the whole store as a JSON directory (one file per take), replacing DIR')
    .argument('<dir>', 'target directory')
    .option('--store <path>', 'store to read')
    .option('--json', 'machine-readable output')
    .action((dir: string, flags: Flags) => {
      const options = loadOptions(flags);
      const target = resolve(dir);
      const from = openStore(options.store, { readonly: true });
      // Written beside the target, then swapped in: DIR is never half old, half new.
      const tmp = `${target}.export-${process.pid}`;
      let counts;
      try {
        counts = exportStore(from, tmp);
      } catch (err) {
        rmSync(tmp, { recursive: true, force: true });
        throw err;
      } finally {
        from.close();
      }
      const old = `${target}.old-${process.pid}`;
      if (existsSync(target)) renameSync(target, old);
      renameSync(tmp, target);
      rmSync(old, { recursive: true, force: true });
      if (flags.json) printJson({ ok: true, dir: target, ...counts });
      else printData(`exported ${counts.episodes} episodes, ${counts.takes} takes, ${counts.interactions} interactions to ${target}`);
      setExit(0);
    });
  program
    .command('import')
    .description('add the takes of a JSON directory to the store')
    .argument('<dir>', 'directory written by cassette export (or served with --store DIR)')
    .option('--store <path>', 'store to write')
    .option('--json', 'machine-readable output')
    .action((dir: string, flags: Flags) => {
      const options = loadOptions(flags);
      const into = openStore(options.store);
      try {
        const counts = importStore(resolve(dir), into);
        if (flags.json) printJson({ ok: true, store: options.store, ...counts });
        else
          printData(
            `imported ${counts.episodes} episodes, ${counts.takes} takes, ${counts.interactions} interactions into ${options.store}`,
          );
        setExit(0);
      } finally {
        into.close();
      }
    });
}
