import { compareSteps } from '../compare/compare-steps.js';
import type { Store } from '../store/store.js';
import type { Interaction } from '../types.js';

/** How much an episode's answers vary across its live takes (same step, consecutive takes). */
export interface EpisodeVariability {
  episode: string;
  /** Live takes compared (the newest `maxTakes`). */
  takes: number;
  /** Step pairs compared (same position in two consecutive takes). */
  pairs: number;
  /** Mean and lowest text similarity of the assembled answers, 0..1 (1 when nothing was compared). */
  meanSimilarity: number;
  minSimilarity: number;
  /** Share of pairs whose tool calls have the same names and arguments, 0..1. */
  toolCallAgreement: number;
  /** Pairs whose HTTP status differed. */
  statusChanges: number;
  /** True when a status changed, tool calls disagreed, or a similarity fell under `minSimilarity`. */
  variable: boolean;
}

/**
 * Compares each episode's live takes step by step, newest `maxTakes` of them: a stable answer is
 * the same text, the same tool calls and the same status every take. Episodes with one live take
 * have nothing to compare and are left out.
 */
export async function computeAnswerVariability(store: Store, maxTakes: number, minSimilarity: number): Promise<EpisodeVariability[]> {
  const liveTakes = new Map<string, number[]>();
  for (const t of await store.listTakes()) {
    if (t.mode === 'live') liveTakes.set(t.episode, [...(liveTakes.get(t.episode) ?? []), t.take]);
  }
  const result: EpisodeVariability[] = [];
  // One episode in memory at a time: its newest `maxTakes` live takes.
  for (const [episode, numbers] of [...liveTakes].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ordered = numbers.sort((a, b) => a - b).slice(-maxTakes);
    if (ordered.length < 2) continue;
    const wanted = new Set(ordered);
    const byTake = new Map<number, Interaction[]>();
    for await (const i of store.interactions({ episodes: [episode], newestTakeOnly: false })) {
      if (!wanted.has(i.take)) continue;
      const list = byTake.get(i.take);
      if (list) list.push(i);
      else byTake.set(i.take, [i]);
    }
    const sims: number[] = [];
    let agree = 0;
    let statusChanges = 0;
    for (let k = 1; k < ordered.length; k++) {
      const before = byTake.get(ordered[k - 1] as number) ?? [];
      const after = byTake.get(ordered[k] as number) ?? [];
      for (let p = 0; p < Math.min(before.length, after.length); p++) {
        const c = compareSteps(p + 1, before[p] as Interaction, after[p], minSimilarity);
        sims.push(c.similarity);
        if (c.toolCalls.sameNames && c.toolCalls.sameArguments) agree++;
        if (c.status.recorded !== c.status.live) statusChanges++;
      }
    }
    const pairs = sims.length;
    const meanSimilarity = pairs ? round(sims.reduce((a, b) => a + b, 0) / pairs) : 1;
    const minSim = pairs ? round(Math.min(...sims)) : 1;
    const toolCallAgreement = pairs ? round(agree / pairs) : 1;
    result.push({
      episode,
      takes: ordered.length,
      pairs,
      meanSimilarity,
      minSimilarity: minSim,
      toolCallAgreement,
      statusChanges,
      variable: statusChanges > 0 || toolCallAgreement < 1 || minSim < minSimilarity,
    });
  }
  return result;
}

function round(n: number): number {
  return Math.round(n * 1e4) / 1e4;
}
