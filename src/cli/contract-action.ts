import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadOptions } from '../config/load-config.js';
import type { CassetteOptions, CliFlags } from '../config/load-config.js';
import { DEFAULT_CONTRACTS_DIR } from '../config/config-defaults.js';
import type { FailOn } from '../contract/contract-types.js';
import { isDerivedEpisode } from '../contract/derived-episode.js';
import { renderJson } from '../contract/render-json.js';
import { renderJunit } from '../contract/render-junit.js';
import { renderMarkdown } from '../contract/render-markdown.js';
import { renderText } from '../contract/render-text.js';
import { checkInteractions, runContractCheck } from '../contract/run-contract-check.js';
import type { ContractCheckResult } from '../contract/run-contract-check.js';
import { runContractUpdate } from '../contract/run-contract-update.js';
import { CassetteError } from '../errors.js';
import { openStore } from '../store/open-store.js';
import type { Interaction } from '../types.js';
import { printData, printJson, printTalk, talkPaint } from './output.js';
import { assertKeys, notCheckedReason, resendInteractions } from './resend-interactions.js';

type ContractFlags = CliFlags & {
  contracts?: string;
  json?: boolean;
  junit?: string;
  markdown?: string;
  failOn?: string;
  live?: boolean;
  episode?: string;
  provider?: string[];
  allTakes?: boolean;
};

/** `cassette contract update`: writes the baseline contracts inferred from the store. */
export async function contractUpdateAction(flags: ContractFlags): Promise<number> {
  const options = await loadOptions(flags);
  const store = await openStore(options.store, { readonly: true });
  try {
    const result = await runContractUpdate(store, {
      contractsDir: resolve(flags.contracts ?? DEFAULT_CONTRACTS_DIR),
      ...(flags.provider ? { providers: flags.provider } : {}),
      ...(flags.allTakes ? { allTakes: true } : {}),
    });
    if (flags.json) printJson(result);
    // Talk: which files were written (stdout is for data; --json is the data).
    else
      printTalk(
        result.contracts.map((c) => `${c.changed ? talkPaint().ok('wrote    ') : talkPaint().dim('unchanged')} ${c.path}`).join('\n') ||
          'no recordings: nothing to learn',
      );
    return result.exitCode;
  } finally {
    await store.close();
  }
}

/** `cassette contract check`: compares the newest takes (or a live probe with --live) with the baselines. */
export async function contractCheckAction(flags: ContractFlags): Promise<number> {
  const failOn = parseFailOn(flags.failOn);
  const options = await loadOptions({ ...flags, episode: undefined });
  const contractsDir = resolve(flags.contracts ?? DEFAULT_CONTRACTS_DIR);
  const common = {
    contractsDir,
    failOn,
    config: options.file.contract,
    ...(flags.provider ? { providers: flags.provider } : {}),
  };
  let result: ContractCheckResult;
  if (flags.live) {
    result = await checkLive(options, flags, common);
  } else {
    const store = await openStore(options.store, { readonly: true });
    try {
      result = await runContractCheck(store, { ...common, ...(flags.episode ? { episodes: [flags.episode] } : {}) });
    } finally {
      await store.close();
    }
  }
  if (flags.junit) writeFileSync(flags.junit, renderJunit(result));
  if (flags.markdown) writeFileSync(flags.markdown, renderMarkdown(result));
  if (flags.json) printData(renderJson(result));
  else printTalk(renderText(result, talkPaint()));
  return result.exitCode;
}

/** Probes: the newest take of each chosen episode, re-sent live into `<episode>.probe`. */
async function checkLive(
  options: CassetteOptions,
  flags: ContractFlags,
  common: Parameters<typeof checkInteractions>[1],
): Promise<ContractCheckResult> {
  const store = await openStore(options.store, { readonly: true });
  let probes: Interaction[][];
  try {
    // A derived episode (`*.probe`, `*.live`) is never probed again.
    const episodes = (flags.episode ? [flags.episode] : await store.listEpisodes()).filter((e) => !isDerivedEpisode(e));
    probes = [];
    for (const e of episodes) {
      const list = (await store.loadEpisode(e))?.interactions ?? [];
      if (list.length > 0) probes.push(list);
    }
  } finally {
    await store.close();
  }
  if (probes.length === 0) throw new CassetteError('episode_not_found', `no recorded requests to probe with in ${options.store}`);
  assertKeys(options, probes.flat());
  const fresh: Interaction[] = [];
  const failed = new Map<string, string>();
  for (const list of probes) {
    const into = `${(list[0] as Interaction).episode}.probe`.slice(0, 128);
    const { statuses } = await resendInteractions(options, list, into);
    statuses.forEach((status, n) => {
      // No usable key, budget spent, unreachable: none of these is "no drift" (nor drift).
      const step = list[n] as Interaction;
      const reason = notCheckedReason(status, step.response.status);
      if (reason) failed.set(step.provider, `not checked: ${reason}`);
    });
    const s = await openStore(options.store, { readonly: true });
    try {
      fresh.push(...((await s.loadEpisode(into))?.interactions ?? []).filter((i) => !failed.has(i.provider)));
    } finally {
      await s.close();
    }
  }
  const result = checkInteractions(fresh, common);
  if (failed.size === 0) return result;
  const unchecked = [...result.unchecked, ...[...failed].map(([provider, reason]) => ({ provider, reason }))];
  return { ...result, unchecked, ok: false, exitCode: result.exitCode === 1 ? 1 : 3 };
}

function parseFailOn(value: string | undefined): FailOn {
  const v = value ?? 'breaking';
  if (v === 'breaking' || v === 'warning' || v === 'info' || v === 'never') return v;
  throw new CassetteError('bad_usage', `--fail-on expects breaking, warning, info or never, got "${v}"`);
}
