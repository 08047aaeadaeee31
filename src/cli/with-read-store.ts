import { openExistingStore } from './store-option.js';
import type { Store } from '../store/store.js';

/** Runs `fn` with the store at `path` open read-only, and closes it once `fn` has settled. */
export async function withReadStore<T>(path: string, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openExistingStore(path, { readonly: true });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
