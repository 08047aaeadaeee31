// Reads back what a test proxy stored, for assertions on families, keys and assembled answers.
import { openStore } from '../../src/store/open-store.js';
import type { Interaction } from '../../src/types.js';

/** Every interaction of a store, in the store's order. */
export async function storedInteractions(store: string): Promise<Interaction[]> {
  const s = await openStore(store, { readonly: true });
  try {
    const out: Interaction[] = [];
    for await (const i of await s.interactions()) out.push(i);
    return out;
  } finally {
    await s.close();
  }
}
