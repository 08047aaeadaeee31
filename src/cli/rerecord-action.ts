import { loadOptions } from '../config/load-config.js';
import type { CliFlags } from '../config/load-config.js';
import { assertEpisodeId } from '../server/route-request.js';
import { collect } from '../store/store.js';
import type { Interaction } from '../types.js';
import { diffSides } from './diff-action.js';
import { printJson, printTalk } from './output.js';
import { assertKeys, resendInteractions } from './resend-interactions.js';
import { withStore } from './store-option.js';
import { unknownEpisode } from './unknown-episode.js';

type RerecordFlags = CliFlags & { json?: boolean };

/**
 * `cassette rerecord EP`: re-sends the requests of the take golden serves, in order, to the live
 * providers and records the answers as a new take of the same episode (golden serves it from then
 * on; the old take stays until pruned). Later steps of an agent loop are sent with the earlier
 * *recorded* answers in their history, as `replay --live` does: a re-run of the requests, not of the agent.
 */
export async function rerecordAction(episode: string, flags: RerecordFlags): Promise<number> {
  assertEpisodeId(episode, 'rerecord argument');
  const options = await loadOptions({ ...flags, mode: 'live', port: '0', episode });
  const old = await withStore(options.store, { readonly: true }, async (store) => {
    const found = await store.loadEpisode(episode);
    if (!found) throw unknownEpisode(episode, await store.listEpisodes());
    return { take: found.take, interactions: [...found.interactions].sort((a, b) => a.position - b.position) };
  });
  assertKeys(options, old.interactions);
  const { statuses } = await resendInteractions(options, old.interactions, episode);
  const fresh = await withStore(options.store, { readonly: true }, async (store) => {
    const takes = await store.listTakes(episode);
    const newest = Math.max(...takes.map((t) => t.take));
    const interactions: Interaction[] = (
      await collect(store.interactions({ episodes: [episode], newestTakeOnly: false, includeIncomplete: true }))
    )
      .filter((i) => i.take === newest)
      .sort((a, b) => a.position - b.position);
    return { take: newest, interactions };
  });
  const unreachable = statuses.filter((s) => s === 502 || s === 504).length;
  const failed = statuses.filter((s) => s >= 400).length;
  const steps = diffSides({ episode, ...old }, { episode, ...fresh });
  const changed = steps.filter((s) => s.changed).length;
  const code = unreachable > 0 ? 3 : failed > 0 ? 1 : 0;
  if (flags.json)
    printJson({
      ok: code === 0,
      episode,
      from: old.take,
      take: fresh.take,
      requests: statuses.length,
      failed,
      unreachable,
      changed,
      steps,
    });
  const lines = [
    `cassette rerecord: episode "${episode}" take ${old.take} re-recorded as take ${fresh.take}: ${statuses.length} requests, ${changed} steps changed` +
      (failed > 0 ? `, ${failed} answered with an error (${statuses.filter((s) => s >= 400).join(', ')})` : ''),
  ];
  if (unreachable > 0) lines.push(`  ${unreachable} requests could not reach the provider: not re-recorded (exit 3)`);
  for (const s of steps.filter((x) => x.changed)) {
    lines.push(
      `  step ${s.step} ${s.only ? `only in take ${s.only === 'a' ? old.take : fresh.take}` : 'CHANGED'} ${s.provider} ${s.method} ${s.path}`,
    );
    for (const r of [...s.request, ...s.answer]) lines.push(`      ${r}`);
  }
  printTalk(lines.join('\n'));
  return code;
}
