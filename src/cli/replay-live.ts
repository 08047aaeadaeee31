import { compareSteps } from '../compare/compare-steps.js';
import type { StepComparison } from '../compare/compare-steps.js';
import { loadOptions } from '../config/load-config.js';
import type { CliFlags } from '../config/load-config.js';
import { CassetteError } from '../errors.js';
import { openStore } from '../store/open-store.js';
import { collect } from '../store/store.js';
import type { Interaction } from '../types.js';
import { printJson, printTalk } from './output.js';
import { assertKeys, notCheckedReason, resendInteractions } from './resend-interactions.js';

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

  assertKeys(options, recorded);
  const before = await newestTake(options.store, into);
  const { statuses } = await resendInteractions(options, recorded, into, flags.model);
  // Only this run's take: an unreachable provider records nothing, and an earlier run's answers
  // must not then be reported as "same".
  const fresh = await takesAfter(options.store, into, before);
  // Steps were re-sent one at a time, so step n is position n of the new take (a cut answer leaves a gap).
  const byPosition = new Map(fresh.map((i) => [i.position, i]));
  const steps: LiveStep[] = recorded.map((r, n) => {
    const reason = notCheckedReason(statuses[n] ?? 0, r.response.status);
    const step = compareSteps(n + 1, r, byPosition.get(n + 1), minSimilarity);
    return reason ? { ...step, changed: false, reasons: [], notChecked: reason } : step;
  });
  const changed = steps.filter((s) => s.changed).length;
  const notChecked = steps.filter((s) => s.notChecked).length;
  if (flags.json) printJson({ ok: changed === 0 && notChecked === 0, episode, into, notChecked, steps });
  printTalk(formatSteps(episode, into, steps));
  if (changed > 0 && failOn === 'changed') return 1;
  return notChecked > 0 ? 3 : 0;
}

/** A step's comparison, or why it could not be compared (no key, unreachable: never "same", never "changed"). */
type LiveStep = StepComparison & { notChecked?: string };

async function newestTake(store: string, episode: string): Promise<number> {
  const s = await openStore(store, { readonly: true });
  try {
    return Math.max(0, ...(await s.listTakes(episode)).map((t) => t.take));
  } finally {
    await s.close();
  }
}

async function takesAfter(store: string, episode: string, take: number): Promise<Interaction[]> {
  const s = await openStore(store, { readonly: true });
  try {
    const all = await collect(s.interactions({ episodes: [episode], newestTakeOnly: false, includeIncomplete: true }));
    return all.filter((i) => i.take > take);
  } finally {
    await s.close();
  }
}

function formatSteps(episode: string, into: string, steps: LiveStep[]): string {
  const notChecked = steps.filter((s) => s.notChecked).length;
  const lines = [
    `cassette replay --live: episode "${episode}" re-run as "${into}", ${steps.filter((s) => s.changed).length} of ${steps.length} steps changed` +
      (notChecked > 0 ? `, ${notChecked} not checked` : ''),
  ];
  for (const s of steps) {
    if (s.notChecked) {
      lines.push(`  step ${s.step} NOT CHECKED ${s.provider} ${s.method} ${s.path}: ${s.notChecked}`);
      continue;
    }
    const tok = s.tokens.delta === 0 ? '' : `, tokens ${s.tokens.delta > 0 ? '+' : ''}${s.tokens.delta}`;
    lines.push(
      `  step ${s.step} ${s.changed ? 'CHANGED' : 'same   '} ${s.provider} ${s.method} ${s.path}: similarity ${s.similarity}${tok}, latency ${s.latencyMs.delta > 0 ? '+' : ''}${Math.round(s.latencyMs.delta)} ms`,
    );
    for (const r of s.reasons) lines.push(`      ${r}`);
  }
  return lines.join('\n');
}

async function readTake(store: string, episode: string): Promise<Interaction[]> {
  const s = await openStore(store, { readonly: true });
  try {
    return (await s.loadEpisode(episode))?.interactions ?? [];
  } finally {
    await s.close();
  }
}
