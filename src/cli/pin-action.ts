import { resolve } from 'node:path';
import { CassetteError } from '../errors.js';
import { LOCK_FILE, readLockOrEmpty, takeHash, writeLock } from '../store/pin-lock.js';
import type { Pin, PinLock } from '../store/pin-lock.js';
import { readTake } from '../store/pinned-store.js';
import { printJson, printTalk } from './output.js';
import { positiveInt } from './positive-int.js';
import { resolveStorePath } from './store-option.js';
import { unknownEpisode } from './unknown-episode.js';
import { withReadStore } from './with-read-store.js';

interface Flags {
  store?: string;
  lock?: string;
  take?: string;
  json?: boolean;
}

/** `cassette pin [EP...]`: writes each episode's served take (or `--take`) and its content hash to the lock file. */
export async function pinAction(episodes: string[], flags: Flags): Promise<number> {
  const lockPath = resolve(flags.lock ?? LOCK_FILE);
  const take = flags.take === undefined ? undefined : positiveInt('--take', flags.take);
  if (take !== undefined && episodes.length !== 1)
    throw new CassetteError('bad_usage', '--take pins one episode: name exactly one', { hint: 'cassette pin EPISODE --take N' });
  const before = readLockOrEmpty(lockPath);
  const pins = await withReadStore(await resolveStorePath(flags), async (store) => {
    const known = await store.listEpisodes();
    const wanted = episodes.length > 0 ? episodes : known;
    const missing = wanted.filter((e) => !known.includes(e));
    if (missing.length > 0) throw unknownEpisode(missing, known);
    const out: [string, Pin][] = [];
    for (const episode of wanted) {
      const served = take === undefined ? await store.loadEpisode(episode) : { take, interactions: await readTake(store, episode, take) };
      if (!served || served.interactions.length === 0)
        throw new CassetteError(
          'episode_not_found',
          `episode "${episode}" has no ${take === undefined ? 'take with a complete interaction' : `take ${take}`} to pin`,
          { hint: 'cassette show EPISODE lists its takes.' },
        );
      out.push([episode, { take: served.take, hash: takeHash(served.interactions) }]);
    }
    return out;
  });
  // Named episodes update their lines; `cassette pin` alone makes the lock exactly the store's episodes.
  const lock: PinLock = { version: 1, episodes: episodes.length > 0 ? { ...before.episodes } : {} };
  for (const [episode, pin] of pins) lock.episodes[episode] = pin;
  writeLock(lockPath, lock);
  const report = pins.map(([episode, pin]) => {
    const old = before.episodes[episode];
    return { episode, take: pin.take, hash: pin.hash, changed: old?.take !== pin.take || old.hash !== pin.hash };
  });
  const changed = report.filter((r) => r.changed).length;
  if (flags.json) printJson({ ok: true, lock: lockPath, episodes: report });
  else printTalk(`pinned ${report.length} episode${report.length === 1 ? '' : 's'} in ${lockPath} (${changed} changed)`);
  return 0;
}
