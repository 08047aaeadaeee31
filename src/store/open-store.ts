import { openDirectoryStore } from './directory-store.js';
import { openSqliteStore } from './sqlite-store.js';
import { parseStoreLocation, printableStore } from './store-location.js';
import type { Store } from './store.js';

/**
 * Opens the store `--store` names (store-location.ts): PostgreSQL for `postgres://` and
 * `postgresql://` URLs, SQLite for `.db`, `.sqlite`, `.sqlite3`, else a JSON directory store. Any
 * other URL scheme is refused with bad_usage. The store's `location` never holds a password.
 */
export async function openStore(path: string, options: { readonly?: boolean } = {}): Promise<Store> {
  const { kind } = parseStoreLocation(path);
  if (kind === 'postgres') {
    // Loaded on demand: the pg client costs every SQLite or directory user start-up time.
    const { openPostgresStore } = await import('./postgres/open-postgres-store.js');
    return openPostgresStore(printableStore(path), options);
  }
  return kind === 'sqlite' ? openSqliteStore(path, options) : openDirectoryStore(path, options);
}
