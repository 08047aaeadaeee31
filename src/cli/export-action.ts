import { existsSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadOptions } from '../config/load-config.js';
import type { CliFlags } from '../config/load-config.js';
import { exportStore, importStore } from '../store/export-store.js';
import { openStore } from '../store/open-store.js';
import { printJson, printTalk } from './output.js';
import { assertReplaceable, writeExportMarker } from './replace-target.js';

type Flags = CliFlags & { json?: boolean; force?: boolean };

/** `cassette export DIR`: the whole store as a JSON directory, replacing DIR. */
export async function exportAction(dir: string, flags: Flags): Promise<number> {
  const options = await loadOptions(flags);
  const target = resolve(dir);
  assertReplaceable(dir, { store: options.store, force: flags.force === true });
  const from = await openStore(options.store, { readonly: true });
  // Written beside the target, then swapped in: DIR is never half old, half new.
  const tmp = `${target}.export-${process.pid}`;
  let counts;
  try {
    counts = await exportStore(from, tmp);
    writeExportMarker(tmp);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  } finally {
    await from.close();
  }
  const old = `${target}.old-${process.pid}`;
  if (existsSync(target)) renameSync(target, old);
  renameSync(tmp, target);
  rmSync(old, { recursive: true, force: true });
  if (flags.json) printJson({ ok: true, dir: target, ...counts });
  else printTalk(`exported ${counts.episodes} episodes, ${counts.takes} takes, ${counts.interactions} interactions to ${target}`);
  return 0;
}

/** `cassette import DIR`: adds the takes of a JSON directory to the store. */
export async function importAction(dir: string, flags: Flags): Promise<number> {
  const options = await loadOptions(flags);
  const into = await openStore(options.store);
  try {
    const counts = await importStore(resolve(dir), into);
    if (flags.json) printJson({ ok: true, store: options.store, ...counts });
    else
      printTalk(`imported ${counts.episodes} episodes, ${counts.takes} takes, ${counts.interactions} interactions into ${options.store}`);
    return 0;
  } finally {
    await into.close();
  }
}
