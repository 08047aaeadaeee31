import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CassetteOptions } from '../config/load-config.js';
import { sqliteWriterThreadKnob } from '../config/environment.js';
import { CassetteError } from '../errors.js';
import type { Logger } from '../log.js';
import type { ModeTraits } from '../modes/proxy-runtime.js';
import { openStore } from '../store/open-store.js';
import { readLock } from '../store/pin-lock.js';
import { chooseWriterThread } from '../store/sqlite-row-thread.js';
import { PinnedStore } from '../store/pinned-store.js';
import { storeExists } from '../store/store-location.js';
import type { Store } from '../store/store.js';

/**
 * Opens the store as a mode's traits ask: not at all, to read, or to write. A mode that only reads
 * never writes: a store that does not exist yet is an empty one to it, not a new file.
 */
export async function openModeStore(options: CassetteOptions, traits: ModeTraits, logger: Logger): Promise<Store | undefined> {
  if (traits.store === 'none') return undefined;
  if (traits.store === 'read' && !storeExists(options.store)) {
    logger.warn({ store: options.store }, `store ${options.store} does not exist: every request will miss`);
    return emptyStore(options.store);
  }
  chooseWriterThread(sqliteWriterThreadKnob());
  const store = await openStore(options.store, { readonly: traits.store === 'read' });
  if (traits.store === 'write') {
    try {
      assertWritable(store);
    } catch (err) {
      if (options.onStoreError === 'fail') {
        await store.close();
        throw err;
      }
      logger.warn({ code: 'store_write_failed', store: options.store }, `${(err as Error).message}; forwarding without recording`);
    }
  }
  // --lock pins the takes a reading mode serves.
  if (traits.store !== 'read' || options.lock === undefined) return store;
  try {
    const lock = readLock(options.lock);
    logger.info({ lock: options.lock, pinned: Object.keys(lock.episodes).length }, `golden serves the takes pinned in ${options.lock}`);
    return new PinnedStore(store, lock, options.lock);
  } catch (err) {
    await store.close();
    throw err;
  }
}

function emptyStore(location: string): Store {
  const refuse = (): Promise<never> => Promise.reject(new CassetteError('store_write_failed', 'golden mode never writes to the store'));
  return {
    location,
    kind: 'directory',
    loadEpisode: async () => undefined,
    indexEpisode: async () => undefined,
    beginTake: refuse,
    continueTake: refuse,
    appendGroup: refuse,
    listEpisodes: async () => [],
    listTakes: async () => [],
    summarizeEpisodes: async () => ({ total: 0, items: [], models: [], providers: [] }),
    interactions: async function* () {},
    removeEpisodes: refuse,
    removeTakes: refuse,
    importTake: refuse,
    recordRun: refuse,
    listRuns: async () => [],
    close: async () => undefined,
  };
}

/**
 * A directory store that cannot take a new file fails at start-up, before any request is
 * forwarded and paid for: a real write probe (a directory made and removed), since permission
 * bits say nothing on a read-only file system or to root. SQLite checks itself when it opens.
 */
function assertWritable(store: Store): void {
  if (store.kind !== 'directory') return;
  try {
    rmSync(mkdtempSync(join(store.location, '.cassette-write-check-')), { recursive: true, force: true });
  } catch (err) {
    throw new CassetteError(
      'store_write_failed',
      `the store ${store.location} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): nothing was forwarded`,
      {
        cause: err,
        hint: 'Make the directory writable, pass another --store, or --on-store-error forward to proxy without recording.',
      },
    );
  }
}
