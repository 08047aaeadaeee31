import { CassetteError } from '../errors.js';
import type { Interaction } from '../types.js';
import { hasWord, interactionWords, searchTerms, type SearchTerm } from './search-words.js';

/**
 * One episode summed up, as the episode list shows it (`Store.summarizeEpisodes`). Counts of
 * interactions are across every take; calls, errors, cost, tokens and latency are of the served
 * take (the newest with a complete interaction, else the newest).
 */
export interface EpisodeSummary {
  episode: string;
  takes: number;
  /** The served take's number. */
  take: number;
  /** Complete interactions of the served take. */
  calls: number;
  /** Interactions across every take, and how many of them were cut short. */
  recorded: number;
  incomplete: number;
  /** Complete answers of the served take with status 400 or more. */
  errors: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum of the served take's total latencies, ms. */
  latencyMs: number;
  /** ISO times of the oldest and newest recording (a take without any: its creation time). */
  firstAt: string;
  lastAt: string;
  models: string[];
  providers: string[];
}

export const SUMMARY_SORTS = ['lastUsed', 'episode', 'cost', 'calls', 'tokens'] as const;
export type SummarySort = (typeof SUMMARY_SORTS)[number];

export interface EpisodeSummaryQuery {
  /**
   * Words that must all match (case-insensitive): part of the episode id, a model or a provider, or
   * a whole word of a prompt or an answer (`refun*`: a word starting with it). See search-words.ts.
   */
  q?: string;
  /** Only episodes with an interaction of this model, or of this provider. */
  model?: string;
  provider?: string;
  /** lastUsed (newest first, the default), episode (A→Z), cost, calls, tokens (largest first); ties by episode. */
  sort?: SummarySort;
  /** Where the previous page ended (`EpisodeSummaryPage.nextCursor`), for the same query. */
  cursor?: string;
  /** Rows to skip (after the cursor, if any): for jumping to a page. */
  offset?: number;
  /** Page size, 1 to MAX_SUMMARY_PAGE (default 50). */
  limit?: number;
}

export interface EpisodeSummaryPage {
  /** Episodes matching the query (whatever the cursor). */
  total: number;
  items: EpisodeSummary[];
  /** Present when more rows follow. */
  nextCursor?: string;
  /** Every model and provider of the store, for filter menus. */
  models: string[];
  providers: string[];
}

export const MAX_SUMMARY_PAGE = 1000;

/**
 * What one take contributes to its episode's summary. Stored per take (SQLite and PostgreSQL
 * table `take_summaries`, maintained on append; the directory store caches it per take file).
 * `models` and `providers` are `|`-delimited (`|gpt-4o|o3|`) so a filter is one substring test.
 */
export interface TakeDigest {
  interactions: number;
  incomplete: number;
  calls: number;
  errors: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  firstAt: string | null;
  lastAt: string | null;
  models: string;
  providers: string;
  /** The distinct words of its prompts and answers (search-words.ts): what the search index gets. */
  words: Set<string>;
}

export function emptyDigest(): TakeDigest {
  return {
    interactions: 0,
    incomplete: 0,
    calls: 0,
    errors: 0,
    costUsd: 0,
    inputTokens: 0,
    outputTokens: 0,
    latencyMs: 0,
    firstAt: null,
    lastAt: null,
    models: '|',
    providers: '|',
    words: new Set(),
  };
}

/**
 * The model an interaction names, as far as the store can tell without the provider registry:
 * the answer's own (the assembler records it), else the request body's `model`.
 */
export function storedModel(i: Interaction): string | undefined {
  if (i.assembled?.model) return i.assembled.model;
  const body = i.request.body.kind === 'json' ? i.request.body.json : undefined;
  const model = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).model : undefined;
  return typeof model === 'string' && model !== '' ? model : undefined;
}

/** Adds one interaction to a take's digest (in place) and returns it. */
export function addToDigest(d: TakeDigest, i: Interaction): TakeDigest {
  addCountsToDigest(d, i);
  if (d.interactions === 1) d.words = interactionWords(i);
  else for (const w of interactionWords(i)) d.words.add(w);
  return d;
}

/**
 * `addToDigest` without the words: a SQLite group commit indexes each interaction's words on a row
 * of its own and sums the counts of a take's rows into one update of its summary.
 */
export function addCountsToDigest(d: TakeDigest, i: Interaction): TakeDigest {
  d.interactions++;
  if (i.complete) {
    d.calls++;
    if (i.response.status >= 400) d.errors++;
    d.costUsd += i.costUsd ?? 0;
    d.inputTokens += i.usage?.inputTokens ?? 0;
    d.outputTokens += i.usage?.outputTokens ?? 0;
    d.latencyMs += i.timings.totalMs;
  } else d.incomplete++;
  if (d.firstAt === null || i.recordedAt < d.firstAt) d.firstAt = i.recordedAt;
  if (d.lastAt === null || i.recordedAt > d.lastAt) d.lastAt = i.recordedAt;
  const model = storedModel(i);
  if (model && !d.models.includes(`|${model}|`)) d.models += `${model}|`;
  if (!d.providers.includes(`|${i.provider}|`)) d.providers += `${i.provider}|`;
  return d;
}

/**
 * Adds the counts of `from` (no words) to `d`, in place: what `addCountsToDigest` of each of its
 * interactions would have added. The SQLite writer thread sums a group's rows per take with it.
 */
export function mergeDigestCounts(d: TakeDigest, from: TakeDigest): TakeDigest {
  d.interactions += from.interactions;
  d.incomplete += from.incomplete;
  d.calls += from.calls;
  d.errors += from.errors;
  d.costUsd += from.costUsd;
  d.inputTokens += from.inputTokens;
  d.outputTokens += from.outputTokens;
  d.latencyMs += from.latencyMs;
  if (from.firstAt !== null && (d.firstAt === null || from.firstAt < d.firstAt)) d.firstAt = from.firstAt;
  if (from.lastAt !== null && (d.lastAt === null || from.lastAt > d.lastAt)) d.lastAt = from.lastAt;
  for (const model of splitNamesInOrder(from.models)) if (!d.models.includes(`|${model}|`)) d.models += `${model}|`;
  for (const provider of splitNamesInOrder(from.providers)) if (!d.providers.includes(`|${provider}|`)) d.providers += `${provider}|`;
  return d;
}

function splitNamesInOrder(joined: string): string[] {
  return joined.split('|').filter(Boolean);
}

/** The digest of one interaction alone (what an append adds to its take's row). */
export function digestOf(i: Interaction): TakeDigest {
  return addToDigest(emptyDigest(), i);
}

/** `|a|b|` → `['a', 'b']`, also for several such lists run together (`|a||b|a|`), deduplicated and sorted. */
export function splitNames(joined: string): string[] {
  return [...new Set(joined.split('|').filter(Boolean))].sort();
}

/** The query with its defaults applied and checked: what a backend runs. */
export interface NormalQuery {
  terms: SearchTerm[];
  model: string | undefined;
  provider: string | undefined;
  sort: SummarySort;
  after: { value: string | number; episode: string } | undefined;
  offset: number;
  limit: number;
}

export function normalizeQuery(query: EpisodeSummaryQuery): NormalQuery {
  const sort = query.sort ?? 'lastUsed';
  if (!(SUMMARY_SORTS as readonly string[]).includes(sort)) {
    throw new CassetteError('bad_usage', `unknown sort "${String(sort)}"`, { hint: `Sort by one of ${SUMMARY_SORTS.join(', ')}.` });
  }
  const limit = Math.floor(query.limit ?? 50);
  if (!(limit >= 1 && limit <= MAX_SUMMARY_PAGE)) throw new CassetteError('bad_usage', `limit must be 1 to ${MAX_SUMMARY_PAGE}`);
  const offset = Math.floor(query.offset ?? 0);
  if (!(offset >= 0)) throw new CassetteError('bad_usage', 'offset must be 0 or more');
  return {
    terms: searchTerms(query.q),
    model: query.model || undefined,
    provider: query.provider || undefined,
    sort,
    after: query.cursor ? decodeCursor(query.cursor, sort) : undefined,
    offset,
    limit,
  };
}

/** The value a sort orders by (largest first, except `episode`). */
export function sortValue(s: EpisodeSummary, sort: SummarySort): string | number {
  switch (sort) {
    case 'lastUsed':
      return s.lastAt;
    case 'episode':
      return s.episode;
    case 'cost':
      return s.costUsd;
    case 'calls':
      return s.calls;
    case 'tokens':
      return s.inputTokens + s.outputTokens;
  }
}

/** An opaque cursor: the sort, and the sort value and episode of the last row handed out. */
export function encodeCursor(s: EpisodeSummary, sort: SummarySort): string {
  return Buffer.from(JSON.stringify([sort, sortValue(s, sort), s.episode])).toString('base64url');
}

function decodeCursor(cursor: string, sort: SummarySort): NormalQuery['after'] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || typeof parsed[2] !== 'string' || !['string', 'number'].includes(typeof parsed[1])) {
    throw new CassetteError('bad_usage', 'the cursor is not one this store handed out', { hint: 'Start again without a cursor.' });
  }
  if (parsed[0] !== sort) {
    throw new CassetteError('bad_usage', `the cursor belongs to sort ${String(parsed[0])}, not ${sort}`, {
      hint: 'Pass the cursor with the query that produced it.',
    });
  }
  return { value: parsed[1] as string | number, episode: parsed[2] };
}

/** Rounds sums the way every backend reports them (float sums differ in the last digits by order). */
export function roundSummary(s: EpisodeSummary): EpisodeSummary {
  s.costUsd = Math.round(s.costUsd * 1e6) / 1e6;
  s.latencyMs = Math.round(s.latencyMs);
  return s;
}

/** One take and its digest: what an in-memory summary (directory store, an old read-only SQLite file) starts from. */
export interface DigestedTake {
  episode: string;
  take: number;
  createdAt: string;
  digest: TakeDigest;
}

/**
 * `summarizeEpisodes` over takes held in memory: the same answer the SQL backends compute, for the
 * stores that have no query engine (the directory store) and SQLite files too old to hold summaries.
 */
export function summarizeDigests(takes: readonly DigestedTake[], query: EpisodeSummaryQuery): EpisodeSummaryPage {
  const q = normalizeQuery(query);
  const byEpisode = new Map<string, DigestedTake[]>();
  const models = new Set<string>();
  const providers = new Set<string>();
  for (const t of takes) {
    const list = byEpisode.get(t.episode);
    if (list) list.push(t);
    else byEpisode.set(t.episode, [t]);
    for (const m of splitNames(t.digest.models)) models.add(m);
    for (const p of splitNames(t.digest.providers)) providers.add(p);
  }
  const found: EpisodeSummary[] = [];
  for (const [episode, list] of byEpisode) {
    const joined = { models: list.map((t) => t.digest.models).join(''), providers: list.map((t) => t.digest.providers).join('') };
    if (q.model && !joined.models.includes(`|${q.model}|`)) continue;
    if (q.provider && !joined.providers.includes(`|${q.provider}|`)) continue;
    const lower = episode.toLowerCase();
    const matches = (term: SearchTerm): boolean =>
      lower.includes(term.raw) ||
      joined.models.includes(term.raw) ||
      joined.providers.includes(term.raw) ||
      (term.words.length > 0 && term.words.every((w) => list.some((t) => hasWord(t.digest.words, w))));
    if (!q.terms.every(matches)) continue;
    found.push(summaryOf(episode, list));
  }
  const order = compareBy(q.sort);
  found.sort(order);
  let start = 0;
  if (q.after) {
    const after = q.after;
    start = found.findIndex((s) => isAfter(s, after, q.sort));
    if (start === -1) start = found.length;
  }
  const page = found.slice(start + q.offset, start + q.offset + q.limit);
  const more = start + q.offset + q.limit < found.length;
  const last = page.at(-1);
  return {
    total: found.length,
    items: page,
    ...(more && last ? { nextCursor: encodeCursor(last, q.sort) } : {}),
    models: [...models].sort(),
    providers: [...providers].sort(),
  };
}

function summaryOf(episode: string, takes: readonly DigestedTake[]): EpisodeSummary {
  let served = 0;
  let newest = 0;
  for (const t of takes) {
    newest = Math.max(newest, t.take);
    if (t.digest.calls > 0) served = Math.max(served, t.take);
  }
  served ||= newest;
  const s = takes.find((t) => t.take === served)?.digest ?? emptyDigest();
  let firstAt = '';
  let lastAt = '';
  for (const t of takes) {
    const first = t.digest.firstAt ?? t.createdAt;
    const last = t.digest.lastAt ?? t.createdAt;
    if (firstAt === '' || first < firstAt) firstAt = first;
    if (last > lastAt) lastAt = last;
  }
  return roundSummary({
    episode,
    takes: takes.length,
    take: served,
    calls: s.calls,
    recorded: takes.reduce((n, t) => n + t.digest.interactions, 0),
    incomplete: takes.reduce((n, t) => n + t.digest.incomplete, 0),
    errors: s.errors,
    costUsd: s.costUsd,
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    latencyMs: s.latencyMs,
    firstAt,
    lastAt,
    models: splitNames(takes.map((t) => t.digest.models).join('')),
    providers: splitNames(takes.map((t) => t.digest.providers).join('')),
  });
}

/** Code-unit order: what SQLite's BINARY and PostgreSQL's "C" collation give. */
function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBy(sort: SummarySort): (a: EpisodeSummary, b: EpisodeSummary) => number {
  if (sort === 'episode') return (a, b) => cmp(a.episode, b.episode);
  return (a, b) => cmp(sortValue(b, sort), sortValue(a, sort)) || cmp(a.episode, b.episode);
}

function isAfter(s: EpisodeSummary, after: NonNullable<NormalQuery['after']>, sort: SummarySort): boolean {
  if (sort === 'episode') return s.episode > after.episode;
  const v = sortValue(s, sort);
  return v < after.value || (v === after.value && s.episode > after.episode);
}
