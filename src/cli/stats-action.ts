import { readConfigFile } from '../config/load-config.js';
import { PRICE_TABLE_DATE } from '../providers/prices.js';
import { formatTable, formatUsd } from './format-table.js';
import { dataPaint, printData, printJson, printTalk, talkPaint } from './output.js';
import { printDamage, readReadableTakes } from './read-takes.js';
import { resolveStorePath, withStore } from './store-option.js';
import { summarizeInteractions } from './summarize-interactions.js';
import type { CallSummary } from './summarize-interactions.js';

/** `cassette stats`: calls, tokens, cost and latency per episode, and in total. */
export async function statsAction(flags: { store?: string; allTakes?: boolean; config?: string; json?: boolean }): Promise<number> {
  const prices = (await readConfigFile(flags.config, process.cwd())).file.prices;
  const location = await resolveStorePath(flags);
  // A damaged store (store_corrupt): the episodes that can still be read, then the finding, exit 3.
  const { takes, damage, unreadable, dedup } = await withStore(location, { readonly: true }, async (store) => ({
    ...(await readReadableTakes(store, { allTakes: flags.allTakes === true })),
    dedup: await store.bodyDedup?.(),
  }));
  // Only a content-addressed store (PostgreSQL) has a dedup ratio: the key is absent for the others.
  const bodyDedup = dedup && { ...dedup, ratio: dedup.storedBytes > 0 ? dedup.referencedBytes / dedup.storedBytes : null };
  const episodes = takes.map((t) => ({ episode: t.episode, take: t.take, ...jsonOf(summarizeInteractions(t.interactions, prices)) }));
  // Totals pool every call, so their percentiles are over all calls, not an average of averages.
  const totals = jsonOf(
    summarizeInteractions(
      takes.flatMap((t) => t.interactions),
      prices,
    ),
  );
  if (flags.json) {
    const partial = damage ? { ok: false, error: damage.toJSON(), unreadable } : { ok: true };
    printJson({ ...partial, priceTableDate: PRICE_TABLE_DATE, episodes, totals, ...(bodyDedup && { bodyDedup }) });
    return damage ? damage.exitCode : 0;
  }
  if (episodes.length === 0 && !damage) {
    printTalk(`no recorded calls in ${location}`);
    return 0;
  }
  const ms = (v: number | null): string => (v === null ? '-' : String(Math.round(v)));
  const row = (name: string, take: string, s: typeof totals): string[] => [
    name,
    take,
    String(s.calls),
    String(s.inputTokens),
    String(s.outputTokens),
    String(s.cacheReadTokens),
    String(s.cacheWriteTokens),
    String(s.reasoningTokens),
    formatUsd(s.costUsd ?? undefined),
    ms(s.latencyMs.p50),
    ms(s.latencyMs.p95),
    ms(s.latencyMs.meanTtfb),
  ];
  const right = (title: string) => ({ title, align: 'right' as const });
  const table = formatTable(
    [
      { title: 'EPISODE', tint: (t, raw, paint) => (raw === 'TOTAL' ? paint.bold(t) : t) },
      right('TAKE'),
      right('CALLS'),
      right('INPUT'),
      right('OUTPUT'),
      right('CACHE READ'),
      right('CACHE WRITE'),
      right('REASONING'),
      right('COST'),
      right('P50 MS'),
      right('P95 MS'),
      right('TTFB MS'),
    ],
    [...episodes.map((e) => row(e.episode, String(e.take), e)), row('TOTAL', '', totals)],
    dataPaint(),
  );
  printData(table);
  // The footer explains the table: talk, on stderr, so `cassette stats | sort` sees only rows.
  const dim = talkPaint().dim;
  printTalk(dim(`body dedup: ${formatDedup(bodyDedup)}`));
  printTalk(
    dim(`cost at list prices of ${PRICE_TABLE_DATE} (config prices override); latency: total time p50/p95, mean time to first byte`),
  );
  if (!damage) return 0;
  printDamage(damage, unreadable);
  return damage.exitCode;
}

/** JSON form: an unknown cost is null, not absent, so every row has the same keys. */
function jsonOf(s: CallSummary): Omit<CallSummary, 'costUsd'> & { costUsd: number | null } {
  return { ...s, costUsd: s.costUsd ?? null };
}

/** `2.50x (1234 bytes referenced, 494 stored)`; n/a for a store that keeps bodies per interaction. */
function formatDedup(d: { referencedBytes: number; storedBytes: number; ratio: number | null } | undefined): string {
  if (d === undefined) return 'n/a (bodies are stored with each interaction in this store)';
  const ratio = d.ratio === null ? '-' : `${d.ratio.toFixed(2)}x`;
  return `${ratio} (${d.referencedBytes} bytes referenced, ${d.storedBytes} stored)`;
}
