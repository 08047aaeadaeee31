import { printJson, printTalk } from './output.js';
import { resolveStorePath, withStore } from './store-option.js';
import { unknownEpisode } from './unknown-episode.js';

/** `cassette rm EPISODE...`: removes episodes with all their takes. */
export async function rmAction(episodes: string[], flags: { store?: string; json?: boolean }): Promise<void> {
  const unique = [...new Set(episodes)];
  const removed = await withStore(await resolveStorePath(flags), { readonly: false }, async (store) => {
    const known = await store.listEpisodes();
    // All or nothing: a typo in one id must not leave the others half-removed.
    const missing = unique.filter((e) => !known.includes(e));
    if (missing.length > 0) throw unknownEpisode(missing, known);
    return store.removeEpisodes(unique);
  });
  if (flags.json) printJson({ ok: true, episodes: unique, interactions: removed });
  printTalk(`removed ${unique.length} episode${unique.length === 1 ? '' : 's'} (${removed} interaction${removed === 1 ? '' : 's'})`);
}
