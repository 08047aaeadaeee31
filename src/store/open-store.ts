import { openDirectoryStore } from './directory-store.js';
import { openSqliteStore } from './sqlite-store.js';
import type { Store } from './store.js';

const SQLITE_PATH = /\.(db|sqlite|sqlite3)$/i;

/** Opens the store at `path`: SQLite for `.db`, `.sqlite`, `.sqlite3`, else a JSON directory store. */
export async function openStore(path: string, options: { readonly?: boolean } = {}): Promise<Store> {
  return SQLITE_PATH.test(path) ? openSqliteStore(path, options) : openDirectoryStore(path, options);
}
