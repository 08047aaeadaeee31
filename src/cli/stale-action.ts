import { readConfigFile } from '../config/load-config.js';
import { EXIT } from '../errors.js';
import { findStale, staleEpisodes } from '../gates/find-stale.js';
import { parseDuration } from '../store/parse-duration.js';
import { printData, printJson, printTalk } from './output.js';
import { resolveStorePath } from './store-option.js';
import { withReadStore } from './with-read-store.js';

/** The age `stale` and the staleness gate use when none is given. */
export const DEFAULT_MAX_AGE = '30d';

/** `cassette stale`: one line per stale served interaction; exit 1 when there is any. */
export async function staleAction(flags: { store?: string; config?: string; olderThan?: string; json?: boolean }): Promise<number> {
  const { file } = await readConfigFile(flags.config, process.cwd());
  const olderThan = flags.olderThan ?? file.gates?.stale?.olderThan ?? DEFAULT_MAX_AGE;
  const maxAgeMs = parseDuration(olderThan, '--older-than');
  const path = await resolveStorePath(flags);
  const stale = await withReadStore(path, (store) => findStale(store, maxAgeMs));
  const episodes = staleEpisodes(stale);
  if (flags.json) {
    printJson({ ok: stale.length === 0, olderThan, episodes, interactions: stale });
  } else {
    if (stale.length > 0) {
      printData(
        stale
          .map(
            (s) => `${s.episode}\ttake ${s.take}\tstep ${s.position}\t${s.provider} ${s.method} ${s.path}\t${s.recordedAt}\t${s.ageDays}d`,
          )
          .join('\n'),
      );
    }
    printTalk(
      stale.length === 0
        ? `${path}: no served recording is older than ${olderThan}`
        : `${path}: ${stale.length} interaction(s) in ${episodes.length} episode(s) older than ${olderThan}; re-record them with cassette run --mode live`,
    );
  }
  return stale.length === 0 ? EXIT.ok : EXIT.problem;
}
