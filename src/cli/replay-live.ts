import { compareSteps } from '../compare/compare-steps.js';
import type { StepComparison } from '../compare/compare-steps.js';
import { loadOptions } from '../config/load-config.js';
import type { CliFlags } from '../config/load-config.js';
import { CassetteError } from '../errors.js';
import { openStore } from '../store/open-store.js';
import type { Interaction } from '../types.js';
import { printJson, printTalk } from './output.js';
import { resendInteractions } from './resend-interactions.js';

type LiveFlags = CliFlags & { json?: boolean; model?: string; into?: string; provider?: string; failOn?: string; minSimilarity?: string };

/**
 * Re-sends the requests of an episode's newest take, in order, through a live proxy that records
 * them as their own episode, then compares each answer with the recorded one. Later steps of an
 * agent loop depended on earlier answers, so this measures per-step drift, not a re-run.
 */
export async function replayLive(episodes: string[], flags: LiveFlags): Promise<number> {
  if (episodes.length !== 1) throw new CassetteError('bad_usage', 'replay --live takes exactly one episode');
  const episode = episodes[0] as string;
  const into = flags.into ?? `${episode}.live`;
  const minSimilarity = flags.minSimilarity === undefined ? 0.5 : Number(flags.minSimilarity);
  if (!(minSimilarity >= 0 && minSimilarity <= 1))
    throw new CassetteError('bad_usage', `--min-similarity expects a number from 0 to 1, got "${flags.minSimilarity}"`);
  const failOn = flags.failOn ?? 'changed';
  if (failOn !== 'changed' && failOn !== 'never')
    throw new CassetteError('bad_usage', `--fail-on expects changed or never, got "${failOn}"`);

  const options = await loadOptions({ ...flags, mode: 'live', port: '0', episode: into });
  const recorded = (await readTake(options.store, episode)).filter((i) => !flags.provider || i.provider === flags.provider);
  if (recorded.length === 0)
    throw new CassetteError(
      'episode_not_found',
      `episode "${episode}" has no recordings${flags.provider ? ` of provider ${flags.provider}` : ''} in ${options.store}`,
    );

  const { statuses } = await resendInteractions(options, recorded, into, flags.model);
  const unreachable = statuses.filter((s) => s === 502 || s === 504).length;
  const fresh = await readTake(options.store, into);
  // Steps were re-sent one at a time, so step n is position n of the new take (a cut answer leaves a gap).
  const byPosition = new Map(fresh.map((i) => [i.position, i]));
  const steps = recorded.map((r, n) => compareSteps(n + 1, r, byPosition.get(n + 1), minSimilarity));
  const changed = steps.filter((s) => s.changed).length;
  if (flags.json) printJson({ ok: changed === 0 && unreachable === 0, episode, into, steps });
  printTalk(formatSteps(episode, into, steps));
  if (unreachable > 0) return 3;
  return changed > 0 && failOn === 'changed' ? 1 : 0;
}

async function readTake(store: string, episode: string): Promise<Interaction[]> {
  const s = await openStore(store, { readonly: true });
  try {
    return (await s.loadEpisode(episode))?.interactions ?? [];
  } finally {
    await s.close();
  }
}

function formatSteps(episode: string, into: string, steps: StepComparison[]): string {
  const lines = [
    `cassette replay --live: episode "${episode}" re-run as "${into}", ${steps.filter((s) => s.changed).length} of ${steps.length} steps changed`,
  ];
  for (const s of steps) {
    const tok = s.tokens.delta === 0 ? '' : `, tokens ${s.tokens.delta > 0 ? '+' : ''}${s.tokens.delta}`;
    lines.push(
      `  step ${s.step} ${s.changed ? 'CHANGED' : 'same   '} ${s.provider} ${s.method} ${s.path}: similarity ${s.similarity}${tok}, latency ${s.latencyMs.delta > 0 ? '+' : ''}${Math.round(s.latencyMs.delta)} ms`,
    );
    for (const r of s.reasons) lines.push(`      ${r}`);
  }
  return lines.join('\n');
}
