import { CassetteError } from '../errors.js';
import type { Interaction, TakeSummary } from '../types.js';
import { openDirectoryStore } from './directory-store.js';
import type { Store } from './store.js';

/** What an export or import copied. */
export interface CopyCounts {
  episodes: number;
  takes: number;
  interactions: number;
}

/** Called as interactions are copied: how many of how many (the takes' listed counts). */
export type OnCopyProgress = (done: number, total: number) => void;

/** Writes every take of `from` (incomplete interactions too) into the directory store at `dir`. */
export async function exportStore(from: Store, dir: string, onProgress?: OnCopyProgress): Promise<CopyCounts> {
  const into = openDirectoryStore(dir);
  try {
    return await copyTakes(from, into, onProgress);
  } finally {
    await into.close();
  }
}

/** Copies every take of the directory store at `dir` into `into`, keeping take numbers and positions. */
export async function importStore(dir: string, into: Store, onProgress?: OnCopyProgress): Promise<CopyCounts> {
  const from = openDirectoryStore(dir, { readonly: true });
  try {
    return await copyTakes(from, into, onProgress);
  } finally {
    await from.close();
  }
}

/**
 * Copies all takes from one store to another as they are (numbers, times, positions, order).
 * Refuses, before writing anything, when the target already has one of the takes.
 */
export async function copyTakes(from: Store, into: Store, onProgress?: OnCopyProgress): Promise<CopyCounts> {
  const takes = await from.listTakes();
  const total = takes.reduce((n, t) => n + t.interactions, 0);
  let read = 0;
  const existing = new Set((await into.listTakes()).map(keyOf));
  const clashes = takes.filter((t) => existing.has(keyOf(t)));
  if (clashes.length > 0) {
    const names = clashes.slice(0, 5).map((t) => `${t.episode} take ${t.take}`);
    throw new CassetteError('bad_usage', `${into.location} already has ${names.join(', ')}${clashes.length > 5 ? ', ...' : ''}`, {
      hint: 'Import into a fresh store, or remove those takes first (cassette rm / prune).',
    });
  }
  const byKey = new Map(takes.map((t) => [keyOf(t), t]));
  const done = new Set<string>();
  let count = 0;
  let batch: { summary: TakeSummary; interactions: Interaction[] } | undefined;
  const flush = async (): Promise<void> => {
    if (!batch) return;
    await into.importTake(batch.summary, batch.interactions);
    done.add(keyOf(batch.summary));
    count += batch.interactions.length;
  };
  // Interactions come take by take: one take in memory at a time.
  for await (const i of from.interactions({ newestTakeOnly: false, includeIncomplete: true })) {
    if (!batch || keyOf(batch.summary) !== keyOf(i)) {
      await flush();
      const summary = byKey.get(keyOf(i));
      if (!summary) throw new CassetteError('store_unreadable', `${from.location}: ${i.episode} take ${i.take} is not listed`);
      batch = { summary, interactions: [] };
    }
    batch.interactions.push(i);
    // Every 256 interactions: often enough for a bar, rare enough to cost nothing.
    if (onProgress && ++read % 256 === 0) onProgress(read, Math.max(total, read));
  }
  await flush();
  onProgress?.(read, Math.max(total, read));
  // Takes without interactions (a session that opened a take and recorded nothing) still count.
  for (const t of takes) if (!done.has(keyOf(t))) await into.importTake(t, []);
  return { episodes: new Set(takes.map((t) => t.episode)).size, takes: takes.length, interactions: count };
}

function keyOf(t: { episode: string; take: number }): string {
  return `${t.episode}\u0000${t.take}`;
}
