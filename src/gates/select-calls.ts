import { CassetteError } from '../errors.js';
import type { RunRecord } from '../store/run-record.js';
import type { Store } from '../store/store.js';
import type { Interaction } from '../types.js';

/** Which recorded calls a side of `cassette gate` measures, and how to name them in a report. */
export interface CallSelection {
  /** `run 2026-…`, `take 3`, `newest takes`. */
  source: string;
  calls: Interaction[];
}

const SELECTOR = /^(run|take)(?::(.+))?$/;

/** True when `value` names runs or takes (`run`, `run:previous`, `take:3`…) rather than a baseline file. */
export function isStoreSelector(value: string): boolean {
  return SELECTOR.test(value);
}

/**
 * Resolves a selector against the store. Runs: `run:latest` (the newest run that recorded calls),
 * `run:previous` (the one before it), `run:<id or id prefix>`; a run's calls are those recorded
 * between its start and end. Takes: `take:latest` (each episode's newest take), `take:previous`
 * (each episode's take before its newest), `take:<n>`. Bare `run` and `take` mean latest for the
 * current side and previous for the baseline (`side`).
 */
export async function selectCalls(store: Store, selector: string, side: 'current' | 'baseline'): Promise<CallSelection> {
  const m = SELECTOR.exec(selector);
  if (!m) throw new CassetteError('bad_usage', `"${selector}" is not run[:latest|previous|ID] or take[:latest|previous|N]`);
  const which = m[2] ?? (side === 'current' ? 'latest' : 'previous');
  return m[1] === 'run' ? selectRun(store, which) : selectTakes(store, which);
}

async function selectRun(store: Store, which: string): Promise<CallSelection> {
  const runs = (await store.listRuns()).filter((r) => r.recorded > 0);
  let run: RunRecord | undefined;
  if (which === 'latest') run = runs[0];
  else if (which === 'previous') run = runs[1];
  else run = runs.find((r) => r.id === which) ?? runs.find((r) => r.id.startsWith(which));
  if (!run) {
    throw new CassetteError(
      'bad_usage',
      `no ${which === 'latest' || which === 'previous' ? `${which} ` : ''}run${which === 'latest' || which === 'previous' ? '' : ` ${which}`} that recorded calls in the run ledger of ${store.location}`,
      {
        hint: 'Runs are recorded by `cassette run --mode live`; `cassette flaky --json` lists them.',
      },
    );
  }
  const from = run.startedAt;
  const to = run.endedAt;
  const takes = (await store.listTakes()).filter((t) => t.createdAt <= to && (t.closedAt === undefined || t.closedAt >= from));
  const wanted = new Set(takes.map((t) => `${t.episode}\u0000${t.take}`));
  const calls: Interaction[] = [];
  for await (const i of store.interactions({ newestTakeOnly: false, episodes: [...new Set(takes.map((t) => t.episode))] })) {
    if (wanted.has(`${i.episode}\u0000${i.take}`) && i.recordedAt >= from && i.recordedAt <= to) calls.push(i);
  }
  return { source: `run ${run.id}`, calls };
}

async function selectTakes(store: Store, which: string): Promise<CallSelection> {
  const byEpisode = new Map<string, number[]>();
  for (const t of await store.listTakes()) {
    if (t.interactions - t.incomplete > 0) byEpisode.set(t.episode, [...(byEpisode.get(t.episode) ?? []), t.take]);
  }
  const n = which === 'latest' || which === 'previous' ? undefined : Number(which);
  if (n !== undefined && !Number.isInteger(n))
    throw new CassetteError('bad_usage', `take:${which}: expected latest, previous or a take number`);
  const chosen = new Map<string, number>();
  for (const [episode, takes] of byEpisode) {
    const sorted = takes.sort((a, b) => b - a);
    const take = which === 'latest' ? sorted[0] : which === 'previous' ? sorted[1] : sorted.find((t) => t === n);
    if (take !== undefined) chosen.set(episode, take);
  }
  if (chosen.size === 0) throw new CassetteError('bad_usage', `no episode of ${store.location} has a ${which} take with complete calls`);
  const calls: Interaction[] = [];
  for await (const i of store.interactions({ newestTakeOnly: false, episodes: [...chosen.keys()] })) {
    if (chosen.get(i.episode) === i.take) calls.push(i);
  }
  return { source: which === 'latest' ? 'newest takes' : which === 'previous' ? 'takes before the newest' : `take ${which}`, calls };
}
