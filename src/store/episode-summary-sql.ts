import {
  encodeCursor,
  normalizeQuery,
  roundSummary,
  splitNames,
  type EpisodeSummary,
  type EpisodeSummaryPage,
  type EpisodeSummaryQuery,
  type TakeDigest,
} from './episode-summary.js';
import { fts5Query, tsQuery, type SearchTerm } from './search-words.js';

/** Where SQLite and PostgreSQL differ in the summary queries. */
export interface SqlDialect {
  /** The n-th (1-based) bind parameter. */
  param(n: number): string;
  /** Position of `needle` in `hay`, 0 when absent. */
  instr(hay: string, needle: string): string;
  /** Concatenation of a column's values over a group. */
  concat(column: string, separator: string): string;
  /** Code-unit order for text (PostgreSQL sorts by the database's collation otherwise). */
  binary: string;
  /** The upsert's reference to the stored row's column. */
  stored(table: string, column: string): string;
  least: string;
  greatest: string;
  /**
   * The ids of the takes whose prompts or answers have a word; `param()` gives a placeholder bound
   * to `wordQuery(word)`, a new one per call (SQLite's `?` are positional).
   */
  takesWithWord(param: () => string): string;
  /** The bind value of one query word for `takesWithWord`. */
  wordQuery(word: SearchTerm['words'][number]): string;
}

export const SQLITE_DIALECT: SqlDialect = {
  param: () => '?',
  instr: (hay, needle) => `instr(${hay}, ${needle})`,
  concat: (column, separator) => `group_concat(${column}, '${separator}')`,
  binary: '',
  stored: (_table, column) => column,
  least: 'min',
  greatest: 'max',
  // The FTS5 rowid is the take id shifted left by 24 bits plus the position (searchRowid): no lookup.
  takesWithWord: (param) => `SELECT rowid >> 24 FROM take_words WHERE take_words MATCH ${param()}`,
  wordQuery: fts5Query,
};

/**
 * SQLite read by a read-only connection while rows wait for their words (sqlite-search-backlog.ts
 * `readBacklog`): the words of those rows are in the connection's temporary table, read beside the index.
 */
export const SQLITE_BACKLOG_DIALECT: SqlDialect = {
  ...SQLITE_DIALECT,
  takesWithWord: (param) =>
    `SELECT rowid >> 24 FROM take_words WHERE take_words MATCH ${param()}
     UNION ALL SELECT rowid >> 24 FROM temp.take_words_backlog WHERE take_words_backlog MATCH ${param()}`,
};

export const POSTGRES_DIALECT: SqlDialect = {
  param: (n) => `$${n}`,
  instr: (hay, needle) => `strpos(${hay}, ${needle})`,
  concat: (column, separator) => `string_agg(${column}, '${separator}')`,
  binary: ' COLLATE "C"',
  stored: (table, column) => `${table}.${column}`,
  least: 'LEAST',
  greatest: 'GREATEST',
  takesWithWord: (param) => `SELECT take_id FROM take_words WHERE words @@ ${param()}::tsquery`,
  wordQuery: tsQuery,
};

/** The columns of `take_summaries`, in the order `digestParams` gives them (after take_id). */
const DIGEST_COLUMNS = [
  'interactions',
  'incomplete',
  'calls',
  'errors',
  'cost_usd',
  'input_tokens',
  'output_tokens',
  'total_ms',
  'first_at',
  'last_at',
  'models',
  'providers',
] as const;

export function digestParams(takeId: number, d: TakeDigest): unknown[] {
  return [
    takeId,
    d.interactions,
    d.incomplete,
    d.calls,
    d.errors,
    d.costUsd,
    d.inputTokens,
    d.outputTokens,
    d.latencyMs,
    d.firstAt,
    d.lastAt,
    d.models,
    d.providers,
  ];
}

/**
 * Adds a digest to its take's row: sums add up, times widen, a model or provider not yet listed is
 * appended. The words for search are in an index of their own (`take_words`, see
 * sqlite-episode-summaries.ts and postgres-episode-summaries.ts): a page of the list reads small rows only.
 */
export function upsertDigestSql(dialect: SqlDialect): string {
  const s = (column: string): string => dialect.stored('take_summaries', column);
  const params = ['take_id', ...DIGEST_COLUMNS].map((_, n) => dialect.param(n + 1)).join(', ');
  const sum = (c: string): string => `${c} = ${s(c)} + excluded.${c}`;
  const names = (c: string): string =>
    `${c} = CASE WHEN ${dialect.instr(s(c), `excluded.${c}`)} > 0 THEN ${s(c)} ELSE ${s(c)} || substr(excluded.${c}, 2) END`;
  return `INSERT INTO take_summaries (take_id, ${DIGEST_COLUMNS.join(', ')}) VALUES (${params})
    ON CONFLICT (take_id) DO UPDATE SET
      ${['interactions', 'incomplete', 'calls', 'errors', 'cost_usd', 'input_tokens', 'output_tokens', 'total_ms'].map(sum).join(', ')},
      first_at = COALESCE(${dialect.least}(${s('first_at')}, excluded.first_at), ${s('first_at')}, excluded.first_at),
      last_at = COALESCE(${dialect.greatest}(${s('last_at')}, excluded.last_at), ${s('last_at')}, excluded.last_at),
      ${names('models')}, ${names('providers')}`;
}

/**
 * One page of episode summaries in one statement: the takes' rows are summed per episode (the
 * served take's calls, cost and tokens; every take's counts, times, models and providers), then
 * filtered, counted, sorted, cut after the cursor and paged. Takes without a row yet (created,
 * nothing appended) count as empty.
 */
export function summaryQuerySql(
  dialect: SqlDialect,
  query: EpisodeSummaryQuery,
): { sql: string; params: unknown[]; normal: ReturnType<typeof normalizeQuery> } {
  const q = normalizeQuery(query);
  const params: unknown[] = [];
  const p = (v: unknown): string => {
    params.push(v);
    return dialect.param(params.length);
  };
  const b = dialect.binary;
  // A query word matches the episode id, a model or a provider as a substring (LIKE with its
  // wildcards escaped; one parameter per use: SQLite's `?` are positional), or each of its words is
  // a word of the episode's prompts and answers (the full-text index).
  const where: string[] = q.terms.map((term) => {
    const pattern = `%${term.raw.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const names = ['lower(e.episode)', 'e.models', 'e.providers'].map((c) => `${c} LIKE ${p(pattern)} ESCAPE '\\'`);
    const text = term.words.map(
      (w) => `e.episode IN (SELECT k.episode FROM takes k WHERE k.id IN (${dialect.takesWithWord(() => p(dialect.wordQuery(w)))}))`,
    );
    return `(${[...names, ...(text.length > 0 ? [`(${text.join(' AND ')})`] : [])].join(' OR ')})`;
  });
  if (q.model) where.push(`${dialect.instr('e.models', p(`|${q.model}|`))} > 0`);
  if (q.provider) where.push(`${dialect.instr('e.providers', p(`|${q.provider}|`))} > 0`);
  const sortExpr = {
    lastUsed: 'last_at',
    episode: `episode${b}`,
    cost: 'cost_usd',
    calls: 'calls',
    tokens: '(input_tokens + output_tokens)',
  }[q.sort];
  let keyset = '';
  if (q.after) {
    keyset =
      q.sort === 'episode'
        ? `WHERE episode${b} > ${p(q.after.episode)}`
        : `WHERE (${sortExpr} < ${p(q.after.value)} OR (${sortExpr} = ${p(q.after.value)} AND episode${b} > ${p(q.after.episode)}))`;
  }
  const order = q.sort === 'episode' ? `episode${b}` : `${sortExpr} DESC, episode${b}`;
  const served = 'CASE WHEN t.take = sv.served THEN';
  const sql = `
    WITH t AS (
      SELECT k.id, k.episode, k.take, COALESCE(s.interactions, 0) AS interactions, COALESCE(s.incomplete, 0) AS incomplete,
        COALESCE(s.calls, 0) AS calls, COALESCE(s.errors, 0) AS errors, COALESCE(s.cost_usd, 0) AS cost_usd,
        COALESCE(s.input_tokens, 0) AS input_tokens, COALESCE(s.output_tokens, 0) AS output_tokens,
        COALESCE(s.total_ms, 0) AS total_ms, COALESCE(s.first_at, k.created_at) AS first_at,
        COALESCE(s.last_at, k.created_at) AS last_at, COALESCE(s.models, '|') AS models,
        COALESCE(s.providers, '|') AS providers
      FROM takes k LEFT JOIN take_summaries s ON s.take_id = k.id
    ),
    sv AS (
      SELECT episode, COALESCE(MAX(CASE WHEN calls > 0 THEN take END), MAX(take)) AS served FROM t GROUP BY episode
    ),
    e AS (
      SELECT t.episode, COUNT(*) AS takes, MAX(sv.served) AS take,
        SUM(t.interactions) AS recorded, SUM(t.incomplete) AS incomplete,
        SUM(${served} t.calls ELSE 0 END) AS calls, SUM(${served} t.errors ELSE 0 END) AS errors,
        ROUND(SUM(${served} t.cost_usd ELSE 0 END) * 1000000) / 1000000 AS cost_usd,
        SUM(${served} t.input_tokens ELSE 0 END) AS input_tokens, SUM(${served} t.output_tokens ELSE 0 END) AS output_tokens,
        ROUND(SUM(${served} t.total_ms ELSE 0 END)) AS total_ms,
        MIN(t.first_at) AS first_at, MAX(t.last_at) AS last_at,
        ${dialect.concat('t.models', '')} AS models, ${dialect.concat('t.providers', '')} AS providers
      FROM t JOIN sv ON sv.episode = t.episode
      GROUP BY t.episode
    ),
    f AS (SELECT e.*, COUNT(*) OVER () AS total FROM e ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''})
    SELECT * FROM f ${keyset} ORDER BY ${order} LIMIT ${p(q.limit + 1)} OFFSET ${p(q.offset)}`;
  return { sql, params, normal: q };
}

/**
 * Runs `summarizeEpisodes` on a SQL backend: the page, the total (counted again without the cursor
 * when the page is past the end and so carries no row to count), and the filter menus.
 */
export async function runSummaryQuery(
  dialect: SqlDialect,
  query: EpisodeSummaryQuery,
  run: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]> | Record<string, unknown>[],
): Promise<EpisodeSummaryPage> {
  const { sql, params, normal } = summaryQuerySql(dialect, query);
  const rows = await run(sql, params);
  let total = rows.length > 0 ? Number(rows[0]?.total) : 0;
  if (rows.length === 0 && (normal.after || normal.offset > 0)) {
    const again = summaryQuerySql(dialect, { ...query, cursor: undefined, offset: 0, limit: 1 });
    total = Number((await run(again.sql, again.params))[0]?.total ?? 0);
  }
  const items: EpisodeSummary[] = rows.slice(0, normal.limit).map((r) =>
    roundSummary({
      episode: r.episode as string,
      takes: Number(r.takes),
      take: Number(r.take),
      calls: Number(r.calls),
      recorded: Number(r.recorded),
      incomplete: Number(r.incomplete),
      errors: Number(r.errors),
      costUsd: Number(r.cost_usd),
      inputTokens: Number(r.input_tokens),
      outputTokens: Number(r.output_tokens),
      latencyMs: Number(r.total_ms),
      firstAt: r.first_at as string,
      lastAt: r.last_at as string,
      models: splitNames(r.models as string),
      providers: splitNames(r.providers as string),
    }),
  );
  const last = items.at(-1);
  return {
    total,
    items,
    ...(rows.length > normal.limit && last ? { nextCursor: encodeCursor(last, normal.sort) } : {}),
    models: menuOf(await run(MENU_SQL.models, [])),
    providers: menuOf(await run(MENU_SQL.providers, [])),
  };
}

/** The distinct models and providers of the store (few distinct lists, however many takes). */
export const MENU_SQL = {
  models: `SELECT DISTINCT models AS names FROM take_summaries`,
  providers: `SELECT DISTINCT providers AS names FROM take_summaries`,
};

export function menuOf(rows: readonly Record<string, unknown>[]): string[] {
  return splitNames(rows.map((r) => r.names as string).join(''));
}
