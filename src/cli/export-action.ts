import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CassetteError } from '../errors.js';
import { loadOptions } from '../config/load-config.js';
import type { CliFlags } from '../config/load-config.js';
import { exportStore, importStore } from '../store/export-store.js';
import { mergeTakes } from '../store/merge-takes.js';
import { openStore } from '../store/open-store.js';
import { openExistingStore } from './store-option.js';
import { printJson, printTalk } from './output.js';
import { assertReplaceable, writeExportMarker } from './replace-target.js';
import { progressBar } from './progress-bar.js';

type Flags = CliFlags & { json?: boolean; force?: boolean; asNewTake?: boolean; quiet?: boolean };

/** `cassette export DIR`: the whole store as a JSON directory, replacing DIR. */
export async function exportAction(dir: string, flags: Flags): Promise<number> {
  const options = await loadOptions(flags);
  const target = resolve(dir);
  assertReplaceable(dir, { store: options.store, force: flags.force === true });
  const from = await openStore(options.store, { readonly: true });
  // Written beside the target, then swapped in: DIR is never half old, half new.
  const tmp = `${target}.export-${process.pid}`;
  let counts;
  const progress = progressBar('exporting', 'interactions', flags);
  try {
    counts = await exportStore(from, tmp, progress.update);
    writeExportMarker(tmp);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    progress.stop();
    await from.close();
  }
  const old = `${target}.old-${process.pid}`;
  if (existsSync(target)) renameSync(target, old);
  renameSync(tmp, target);
  rmSync(old, { recursive: true, force: true });
  if (flags.json) printJson({ ok: true, dir: target, ...counts });
  else if (!flags.quiet)
    printTalk(`exported ${counts.episodes} episodes, ${counts.takes} takes, ${counts.interactions} interactions to ${target}`);
  return 0;
}

/** `cassette import DIR`: adds the takes of a JSON directory to the store. */
export async function importAction(dir: string, flags: Flags): Promise<number> {
  const options = await loadOptions(flags);
  if (flags.asNewTake) return importAsNewTakes(dir, options.store, flags.json === true, flags.quiet === true);
  const from = resolve(dir);
  if (!existsSync(from) || !statSync(from).isDirectory())
    throw new CassetteError('bad_usage', `nothing to import: ${from} is not a directory`, {
      hint: 'Name the directory `cassette export DIR` wrote.',
    });
  // A store this import creates is removed again when the import fails: no empty store is left behind.
  const fresh = !/^[a-z][a-z0-9+.-]*:\/\//i.test(options.store) && !existsSync(options.store);
  const into = await openStore(options.store);
  let ok = false;
  const progress = progressBar('importing', 'interactions', flags);
  try {
    const counts = await importStore(from, into, progress.update);
    progress.stop();
    if (flags.json) printJson({ ok: true, store: options.store, ...counts });
    else if (!flags.quiet)
      printTalk(`imported ${counts.episodes} episodes, ${counts.takes} takes, ${counts.interactions} interactions into ${options.store}`);
    ok = true;
    return 0;
  } finally {
    progress.stop();
    await into.close();
    if (!ok && fresh)
      for (const path of [options.store, `${options.store}-wal`, `${options.store}-shm`]) rmSync(path, { recursive: true, force: true });
  }
}

/** `cassette import SRC --as-new-take`: merges another runner's takes under fresh numbers, skipping takes already held. */
async function importAsNewTakes(source: string, store: string, json: boolean, quiet: boolean): Promise<number> {
  const from = await openExistingStore(source, { readonly: true });
  try {
    const into = await openStore(store);
    try {
      const r = await mergeTakes(from, into, { numbers: 'new' });
      if (json)
        printJson({ ok: true, store: into.location, takes: r.copied.takes, interactions: r.copied.interactions, present: r.present });
      else if (!quiet)
        printTalk(
          `imported ${r.copied.takes} takes (${r.copied.interactions} interactions) as new takes into ${into.location}; ${r.present} already there`,
        );
      return 0;
    } finally {
      await into.close();
    }
  } finally {
    await from.close();
  }
}
