import { readConfigFile } from '../config/load-config.js';
import { CassetteError } from '../errors.js';
import { linkToolRuns } from '../compare/link-tool-runs.js';
import { toolRunOf } from '../compare/tool-run-of.js';
import { collect, type Store } from '../store/store.js';
import type { TakeSummary } from '../types.js';
import { formatInteraction } from './format-interaction.js';
import { dataPaint, printData, printJson } from './output.js';
import { positiveInt } from './positive-int.js';
import { resolveStorePath, withStore } from './store-option.js';
import { unknownEpisode } from './unknown-episode.js';

interface ShowFlags {
  take?: string;
  step?: string;
  store?: string;
  config?: string;
  json?: boolean;
  events?: boolean;
}

/** `cassette show EPISODE`: every step of a take, readable, or the full interactions with --json. */
export async function showAction(episode: string, flags: ShowFlags): Promise<void> {
  const takeFlag = flags.take === undefined ? undefined : positiveInt('--take', flags.take);
  const step = flags.step === undefined ? undefined : positiveInt('--step', flags.step);
  const prices = (await readConfigFile(flags.config, process.cwd())).file.prices;
  const { take, links, interactions } = await withStore(await resolveStorePath(flags), { readonly: true }, async (store) => {
    const take = await pickTake(store, episode, takeFlag);
    const all = (await collect(store.interactions({ episodes: [episode], newestTakeOnly: false, includeIncomplete: true })))
      .filter((i) => i.take === take.take)
      .sort((a, b) => a.position - b.position);
    const links = linkToolRuns(all.map((i) => ({ position: i.position, toolCalls: i.assembled?.toolCalls ?? [], toolRun: toolRunOf(i) })));
    return { take, links, interactions: step === undefined ? all : all.filter((i) => i.position === step) };
  });
  if (step !== undefined && interactions.length === 0) {
    throw new CassetteError(
      'episode_not_found',
      `take ${take.take} of episode "${episode}" has no step ${step} (it has ${take.interactions})`,
    );
  }
  if (flags.json) return printJson({ ok: true, episode, take: take.take, interactions, toolLinks: links });
  const header = `episode "${episode}" take ${take.take} (${take.mode}, created ${take.createdAt}, ${take.interactions} calls${
    take.incomplete ? `, ${take.incomplete} incomplete` : ''
  })`;
  const paint = dataPaint();
  printData(
    [paint.bold(header), ...interactions.map((i) => formatInteraction(i, prices, flags.events === true, links, paint))].join('\n\n'),
  );
}

/** The take asked for, else the one golden serves (the newest holding a complete call), else the newest. */
async function pickTake(store: Store, episode: string, wanted: number | undefined): Promise<TakeSummary> {
  const takes = await store.listTakes(episode);
  if (takes.length === 0) throw unknownEpisode(episode, await store.listEpisodes());
  const newestFirst = [...takes].sort((a, b) => b.take - a.take);
  if (wanted === undefined) return newestFirst.find((t) => t.interactions > t.incomplete) ?? (newestFirst[0] as TakeSummary);
  const take = takes.find((t) => t.take === wanted);
  if (!take) {
    throw new CassetteError('episode_not_found', `episode "${episode}" has no take ${wanted}`, {
      hint: `Its takes: ${takes.map((t) => t.take).join(', ')}.`,
    });
  }
  return take;
}
