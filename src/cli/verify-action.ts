import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readConfigFile } from '../config/load-config.js';
import { EXIT } from '../errors.js';
import { staleFindings } from '../gates/stale-findings.js';
import { parseDuration } from '../store/parse-duration.js';
import { verifyStore } from '../store/verify-store.js';
import { LOCK_FILE, readLock } from '../store/pin-lock.js';
import { pinFindings } from '../store/verify-pins.js';
import { dataPaint, printData, printJson, printTalk, talkPaint } from './output.js';
import { progressBar } from './progress-bar.js';
import { resolveStorePath } from './store-option.js';
import { withReadStore } from './with-read-store.js';

/** `cassette verify`: exit 1 when a store holds a credential shape or fails an integrity check. */
export async function verifyAction(flags: {
  store?: string;
  config?: string;
  json?: boolean;
  quiet?: boolean;
  maxAge?: string;
  lock?: string;
}): Promise<number> {
  const maxAgeMs = flags.maxAge === undefined ? undefined : parseDuration(flags.maxAge, '--max-age');
  const patterns = (await readConfigFile(flags.config, process.cwd())).file.verify.patterns;
  const path = await resolveStorePath(flags);
  const progress = progressBar('verifying', 'interactions', flags);
  let findings;
  try {
    findings = await verifyStore(path, patterns, progress.update);
  } finally {
    progress.stop();
  }
  // --max-age (docs/gates.md): served recordings older than the limit are findings too.
  if (maxAgeMs !== undefined)
    findings.push(...(await withReadStore(path, (store) => staleFindings(store, maxAgeMs, flags.maxAge as string))));
  // A pin file (docs/stores.md, "Fleet"): each pinned take must be in the store, unchanged.
  const lockPath = resolve(flags.lock ?? LOCK_FILE);
  if (flags.lock !== undefined || existsSync(lockPath)) {
    const lock = readLock(lockPath);
    findings.push(...(await withReadStore(path, (store) => pinFindings(store, lock, lockPath))));
  }
  const code = findings.length === 0 ? EXIT.ok : EXIT.problem;
  if (flags.json) {
    printJson({ ok: findings.length === 0, store: path, findings });
    return code;
  }
  if (findings.length === 0) {
    if (!flags.quiet) printTalk(talkPaint().ok(`${path}: clean (no credential shapes, integrity ok)`));
    return code;
  }
  // The findings are the command's data; the verdict is talk.
  const fail = dataPaint().fail;
  printData(
    findings
      .map((f) =>
        f.kind === 'credential'
          ? `${fail('credential')}  ${f.where}: ${f.pattern} ${f.masked}`
          : `${fail(f.kind.padEnd(11))} ${f.where}: ${f.message}`,
      )
      .join('\n'),
  );
  const secrets = findings.filter((f) => f.kind === 'credential').length;
  const integrity = findings.filter((f) => f.kind === 'integrity').length;
  const pins = findings.filter((f) => f.kind === 'pin').length;
  const stale = findings.length - secrets - integrity - pins;
  if (!flags.quiet)
    printTalk(
      talkPaint().fail(
        `${path}: ${secrets} credential finding${secrets === 1 ? '' : 's'}, ${integrity} integrity finding${integrity === 1 ? '' : 's'}${stale > 0 ? `, ${stale} stale` : ''}${pins > 0 ? `, ${pins} pin mismatch${pins === 1 ? '' : 'es'}` : ''}`,
      ),
    );
  return code;
}
