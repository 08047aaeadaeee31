import { printableStore } from '../store/store-location.js';
import { DEFAULT_STORE } from './config-defaults.js';

/**
 * The store a command opens, the same for every command (docs/stores.md): `--store`, else
 * CASSETTE_STORE, else the config file's `store`, else the default. Returned in its printable form:
 * a URL's password is kept aside in store-location.ts, never in what this returns. An unknown URL
 * scheme is bad_usage.
 */
export function chooseStore(flag: string | undefined, envStore: string | undefined, fileStore: string | undefined): string {
  return printableStore(flag ?? (envStore || undefined) ?? fileStore ?? DEFAULT_STORE);
}
