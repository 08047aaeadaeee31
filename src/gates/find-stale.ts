import type { Store } from '../store/store.js';

/** An interaction golden serves that was recorded longer ago than the allowed age. */
export interface StaleInteraction {
  episode: string;
  take: number;
  position: number;
  provider: string;
  method: string;
  path: string;
  recordedAt: string;
  /** Whole days since it was recorded. */
  ageDays: number;
}

/**
 * The served interactions (each episode's newest complete take) recorded before `now - maxAgeMs`.
 * Older takes are not served, so their age does not matter; an interaction with an unreadable
 * recording time counts as stale, since nothing says it is fresh.
 */
export async function findStale(store: Store, maxAgeMs: number, now = new Date()): Promise<StaleInteraction[]> {
  const cutoff = now.getTime() - maxAgeMs;
  const stale: StaleInteraction[] = [];
  for await (const i of store.interactions({ newestTakeOnly: true })) {
    const at = Date.parse(i.recordedAt);
    if (Number.isFinite(at) && at >= cutoff) continue;
    stale.push({
      episode: i.episode,
      take: i.take,
      position: i.position,
      provider: i.provider,
      method: i.request.method,
      path: i.request.path,
      recordedAt: i.recordedAt,
      ageDays: Number.isFinite(at) ? Math.floor((now.getTime() - at) / 86_400_000) : -1,
    });
  }
  return stale;
}

/** The episodes among stale interactions, each once, in order. */
export function staleEpisodes(stale: readonly StaleInteraction[]): string[] {
  return [...new Set(stale.map((s) => s.episode))];
}
