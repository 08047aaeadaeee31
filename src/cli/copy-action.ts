import { EXIT } from '../errors.js';
import { mergeTakes } from '../store/merge-takes.js';
import type { MergeReport } from '../store/merge-takes.js';
import { openStore } from '../store/open-store.js';
import { printJson, printTalk } from './output.js';
import { openExistingStore } from './store-option.js';
import { progressBar } from './progress-bar.js';

/** `cassette copy --from A --to B`: every take of A that B lacks, under its own number; exit 1 on a conflict. */
export async function copyAction(flags: { from: string; to: string; json?: boolean; quiet?: boolean }): Promise<number> {
  const from = await openExistingStore(flags.from, { readonly: true });
  let report: MergeReport;
  let to: string;
  try {
    const into = await openStore(flags.to);
    to = into.location;
    // Takes, not interactions: a take is written whole, so a small number of them is already a long job.
    const progress = progressBar('copying', 'takes', { json: flags.json === true, quiet: flags.quiet === true, minTotal: 20 });
    try {
      report = await mergeTakes(from, into, { numbers: 'keep', onProgress: progress.update });
    } finally {
      progress.stop();
      await into.close();
    }
  } finally {
    await from.close();
  }
  const ok = report.conflicts.length === 0;
  if (flags.json) printJson({ ok, from: from.location, to, ...report });
  else {
    for (const c of report.conflicts) printTalk(`conflict: ${c.episode} take ${c.take} left alone: ${c.reason}`);
    if (!flags.quiet)
      printTalk(
        `copied ${report.copied.takes} takes (${report.copied.interactions} interactions) from ${from.location} to ${to}; ${report.present} already there; ${report.conflicts.length} conflicts`,
      );
  }
  return ok ? EXIT.ok : EXIT.problem;
}
