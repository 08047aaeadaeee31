import { existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { CassetteError, EXIT } from '../errors.js';
import { openStore } from '../store/open-store.js';
import { readSqliteSalvage } from '../store/salvage-sqlite.js';
import { writeSalvage, type SalvageReport } from '../store/salvage-store.js';
import { parseStoreLocation } from '../store/store-location.js';
import { printData, printJson, printTalk } from './output.js';
import { assertReplaceable } from './replace-target.js';
import { missingStore, resolveStorePath } from './store-option.js';

/**
 * `cassette salvage TARGET`: copies every readable take, interaction and run of a damaged SQLite
 * store into a new store at TARGET and lists what was lost. The damaged store is only read.
 * Exit 0 when everything was copied, 1 when something was lost, 3 when nothing could be read.
 */
export async function salvageAction(target: string, flags: { store?: string; force?: boolean; json?: boolean }): Promise<number> {
  const source = await resolveStorePath(flags);
  if (parseStoreLocation(source).kind !== 'sqlite') {
    throw new CassetteError('bad_usage', `salvage reads a SQLite store (.db, .sqlite, .sqlite3); ${source} is not one`, {
      hint: 'A directory store is plain JSON: cassette verify names a broken take file with its line and column.',
    });
  }
  if (!existsSync(source)) throw missingStore(source);
  if (parseStoreLocation(target).kind === 'postgres') {
    throw new CassetteError('bad_usage', 'salvage writes a new SQLite file or directory store, not a database URL', {
      hint: 'Salvage into a file, then copy it with cassette copy --from RESCUED.db --to postgres://…',
    });
  }
  // Never the damaged store itself, nor a directory holding it, even with --force.
  assertReplaceable(target, { store: source, force: true });
  if (existsSync(target) && flags.force !== true) {
    throw new CassetteError('bad_usage', `refusing to overwrite ${target}: it exists`, {
      hint: 'Name a new path for the rescued store, or pass --force to replace it.',
    });
  }
  const read = readSqliteSalvage(source);
  // Written beside the target, then renamed into place: TARGET is never half written.
  const abs = resolve(target);
  const ext = extname(abs);
  const tmp = join(dirname(abs), `.${basename(abs, ext)}.salvage-${process.pid}${ext}`);
  let report: SalvageReport;
  try {
    const into = await openStore(tmp);
    try {
      report = await writeSalvage(read, into);
    } finally {
      await into.close();
    }
  } catch (err) {
    removeStore(tmp);
    throw err;
  }
  removeStore(abs);
  renameSync(tmp, abs);
  const ok = report.lost.length === 0;
  if (flags.json) {
    printJson({ ok, store: source, target: abs, ...report });
    return ok ? EXIT.ok : EXIT.problem;
  }
  for (const l of report.lost) printData(`lost  ${l.where}: ${l.reason}`);
  for (const n of report.notes) printData(`note  ${n}`);
  const c = report.copied;
  printTalk(
    `salvaged ${c.episodes} episodes, ${c.takes} takes, ${c.interactions} interactions, ${c.runs} runs from ${source} into ${abs}; ` +
      (ok ? 'nothing was lost' : `${report.lost.length} lost (listed above)`) +
      `. ${source} was not changed.`,
  );
  return ok ? EXIT.ok : EXIT.problem;
}

function removeStore(path: string): void {
  for (const p of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) rmSync(p, { recursive: true, force: true });
}
