import type { GateResult } from './gate-result.js';
import type { StaleInteraction } from './find-stale.js';
import { staleEpisodes } from './find-stale.js';
import { cell } from './render-gates.js';

/** The staleness gate: fails when a served interaction is older than `olderThan`. */
export function staleGateResult(stale: readonly StaleInteraction[], olderThan: string): GateResult {
  const episodes = staleEpisodes(stale);
  const lines =
    stale.length === 0
      ? []
      : ['| episode | take | step | call | recorded | age (days) |', '|---|---:|---:|---|---|---:|'].concat(
          stale.map(
            (s) =>
              `| ${cell(s.episode)} | ${s.take} | ${s.position} | ${s.provider} ${s.method} ${cell(s.path)} | ${s.recordedAt} | ${s.ageDays} |`,
          ),
        );
  return {
    gate: 'stale',
    ok: stale.length === 0,
    summary:
      stale.length === 0
        ? `no served recording is older than ${olderThan}`
        : `${stale.length} served interaction(s) in ${episodes.length} episode(s) are older than ${olderThan}: ${episodes.join(', ')}`,
    markdown: lines.join('\n'),
    checks: episodes.map((e) => {
      const of = stale.filter((s) => s.episode === e);
      const oldest = of.reduce((a, b) => (a.recordedAt < b.recordedAt ? a : b));
      return { name: e, ok: false, detail: `${of.length} interaction(s) older than ${olderThan}; oldest recorded ${oldest.recordedAt}` };
    }),
    notes: [],
  };
}
