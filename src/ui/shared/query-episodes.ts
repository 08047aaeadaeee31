import type { EpisodePage, EpisodeQuery, EpisodeRow } from './ui-types.js';

/** Largest page the API hands out. */
export const MAX_PAGE = 200;

/**
 * Filters, sorts and pages episode rows. Shared by the server (over its in-memory catalog) and a
 * static report (over its embedded rows), so both answer the same query the same way.
 */
export function queryEpisodes(rows: readonly (EpisodeRow & { search?: string })[], query: EpisodeQuery): EpisodePage {
  const words = (query.q ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const models = new Set<string>();
  const providers = new Set<string>();
  const found: EpisodeRow[] = [];
  for (const row of rows) {
    for (const m of row.models) models.add(m);
    for (const p of row.providers) providers.add(p);
    if (query.model && !row.models.includes(query.model)) continue;
    if (query.provider && !row.providers.includes(query.provider)) continue;
    if (words.length > 0) {
      const text = row.search ?? `${row.episode} ${row.models.join(' ')} ${row.providers.join(' ')}`.toLowerCase();
      if (!words.every((w) => text.includes(w))) continue;
    }
    found.push(row);
  }
  const sort = query.sort ?? 'lastUsed';
  const by: Record<string, (a: EpisodeRow, b: EpisodeRow) => number> = {
    lastUsed: (a, b) => (a.lastUsed < b.lastUsed ? 1 : a.lastUsed > b.lastUsed ? -1 : cmp(a.episode, b.episode)),
    episode: (a, b) => cmp(a.episode, b.episode),
    cost: (a, b) => b.costUsd - a.costUsd || cmp(a.episode, b.episode),
    calls: (a, b) => b.calls - a.calls || cmp(a.episode, b.episode),
    tokens: (a, b) => b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens) || cmp(a.episode, b.episode),
  };
  found.sort(by[sort] ?? by.lastUsed);
  const offset = Math.max(0, Math.floor(query.offset ?? 0));
  const limit = Math.max(1, Math.floor(query.limit ?? 50));
  const items = found.slice(offset, offset + limit).map((r) => {
    // The search text stays on the server: it is large and not for display.
    const { search: _search, ...row } = r as EpisodeRow & { search?: string };
    return row;
  });
  return { total: found.length, offset, limit, items, models: [...models].sort(), providers: [...providers].sort() };
}

/** Code-unit order: stable across machines and far cheaper than localeCompare on 100,000 rows. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
