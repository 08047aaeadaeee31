import { chooseStore } from '../config/choose-store.js';
import { environment } from '../config/environment.js';
import { readConfigFile } from '../config/load-config.js';
import { CassetteError } from '../errors.js';
import { openStore } from '../store/open-store.js';
import { storeExists } from '../store/store-location.js';
import type { Store } from '../store/store.js';

/**
 * The store of a store-keeping command, chosen as the proxy chooses it (`chooseStore`): `--store`,
 * else CASSETTE_STORE, else the `store` of the config file (`--config`, else cassette.config.json
 * in the working directory), else the default. Fit to print: a URL's password is kept aside.
 */
export async function resolveStorePath(flags: { store?: string; config?: string }, cwd = process.cwd()): Promise<string> {
  const { file } = await readConfigFile(flags.config, cwd);
  return chooseStore(flags.store, environment().store, file.store);
}

/**
 * Opens a store that must already exist. Store-keeping commands never create one: `rm` or
 * `prune` on a mistyped path would otherwise leave an empty store behind and report success.
 */
export async function openExistingStore(path: string, options: { readonly: boolean }): Promise<Store> {
  if (!storeExists(path)) throw missingStore(path);
  try {
    return await openStore(path, options);
  } catch (err) {
    if (err instanceof CassetteError) throw err;
    throw new CassetteError('store_unreadable', `cannot open the store ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** The store_unreadable error for a path that does not exist. */
export function missingStore(path: string): CassetteError {
  return new CassetteError('store_unreadable', `no store at ${path}`, {
    hint: 'Pass --store PATH (or set CASSETTE_STORE, or `store` in the config file) to the store the proxy recorded into.',
  });
}

/** Runs `fn` with an open store and closes it whatever happens. */
export async function withStore<T>(path: string, options: { readonly: boolean }, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openExistingStore(path, options);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
