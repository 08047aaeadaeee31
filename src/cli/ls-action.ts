import { readConfigFile } from '../config/load-config.js';
import { collect } from '../store/store.js';
import type { TakeSummary } from '../types.js';
import { formatDate, formatTable, formatUsd } from './format-table.js';
import { dataPaint, printData, printJson, printTalk, talkPaint } from './output.js';
import { printDamage, readReadableTakes } from './read-takes.js';
import { resolveStorePath, withStore } from './store-option.js';
import { summarizeInteractions } from './summarize-interactions.js';

/** One row of `cassette ls`. */
export interface EpisodeListing {
  episode: string;
  takes: number;
  /** The take golden serves (else the newest), whose figures the row shows. */
  take: number;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
  recordedAt: string | null;
  /** Calls of the take whose answer was over a limit and is not stored, and the first reason. */
  unrecordable: number;
  unrecordableReason?: string;
  /** Calls of the take that are WebSocket sessions (each one interaction with its frames). */
  sessions: number;
}

/**
 * `cassette ls`: the episodes of a store with their newest take's calls, tokens and cost. On a
 * damaged store (store_corrupt) it lists the episodes that can still be read, names the others
 * and exits 3, as `stats` does.
 */
export async function lsAction(flags: { store?: string; config?: string; json?: boolean }): Promise<number> {
  const prices = (await readConfigFile(flags.config, process.cwd())).file.prices;
  const location = await resolveStorePath(flags);
  const { rows, damage, unreadable } = await withStore(location, { readonly: true }, async (store) => {
    const readable = await readReadableTakes(store);
    const served = new Map(readable.takes.map((t) => [t.episode, t]));
    const takesOf = new Map<string, TakeSummary[]>();
    for (const t of await store.listTakes()) takesOf.set(t.episode, [...(takesOf.get(t.episode) ?? []), t]);
    const listings: EpisodeListing[] = [];
    for (const [episode, takes] of takesOf) {
      if (readable.unreadable.includes(episode)) continue;
      const newest = takes.reduce((a, b) => (b.take > a.take ? b : a));
      const shown = served.get(episode);
      const summary = summarizeInteractions(shown?.interactions ?? [], prices);
      const take = takes.find((t) => t.take === (shown?.take ?? newest.take)) ?? newest;
      // Only a take with incomplete calls can hold unrecordable ones: read those calls then.
      const unrecordable =
        take.incomplete > 0
          ? (await collect(store.interactions({ episodes: [episode], newestTakeOnly: false, includeIncomplete: true }))).filter(
              (i) => i.take === take.take && i.unrecordable !== undefined,
            )
          : [];
      listings.push({
        episode,
        takes: takes.length,
        take: take.take,
        calls: take.interactions,
        inputTokens: summary.inputTokens,
        outputTokens: summary.outputTokens,
        costUsd: summary.costUsd ?? null,
        recordedAt: take.createdAt ?? null,
        unrecordable: unrecordable.length,
        sessions: (shown?.interactions ?? []).filter((i) => i.response.session !== undefined).length,
        ...(unrecordable[0]?.unrecordable !== undefined ? { unrecordableReason: unrecordable[0].unrecordable } : {}),
      });
    }
    return { rows: listings, damage: readable.damage, unreadable: readable.unreadable };
  });
  if (flags.json) {
    const partial = damage ? { ok: false, error: damage.toJSON(), unreadable } : { ok: true };
    printJson({ ...partial, store: location, episodes: rows });
    return damage ? damage.exitCode : 0;
  }
  if (rows.length === 0 && !damage) {
    printTalk(`no episodes in ${location}`);
    return 0;
  }
  printData(
    formatTable(
      [
        { title: 'EPISODE' },
        { title: 'TAKES', align: 'right' },
        { title: 'TAKE', align: 'right' },
        { title: 'CALLS', align: 'right' },
        { title: 'TOKENS', align: 'right' },
        { title: 'COST', align: 'right' },
        { title: 'RECORDED', tint: (t, _raw, paint) => paint.dim(t) },
      ],
      rows.map((r) => [
        r.episode,
        String(r.takes),
        String(r.take),
        r.sessions > 0 ? `${r.calls} (${r.sessions} ws)` : String(r.calls),
        String(r.inputTokens + r.outputTokens),
        formatUsd(r.costUsd ?? undefined),
        formatDate(r.recordedAt ?? undefined),
      ]),
      dataPaint(),
    ),
  );
  for (const r of rows) {
    if (r.unrecordable > 0)
      printTalk(talkPaint().warn(`episode "${r.episode}": ${r.unrecordable} answer(s) not recorded: ${r.unrecordableReason ?? ''}`));
  }
  if (!damage) return 0;
  printDamage(damage, unreadable);
  return damage.exitCode;
}
