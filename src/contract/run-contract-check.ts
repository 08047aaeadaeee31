import { collect, type Store } from '../store/store.js';
import type { Interaction } from '../types.js';
import { applyContractConfig, today } from './apply-config.js';
import { atOrAbove, countBySeverity } from './classify-finding.js';
import { readContracts } from './contract-files.js';
import { DEFAULT_CONTRACTS_DIR } from '../config/config-defaults.js';
import type { ContractConfig, FailOn, Finding, Severity } from './contract-types.js';
import { diffContract } from './diff-contract.js';
import { ContractBuilder } from './infer-contract.js';
import { baselineEpisodes } from './derived-episode.js';

export interface ContractCheckOptions {
  contractsDir?: string;
  episodes?: readonly string[];
  providers?: readonly string[];
  /** Lowest severity that fails the check (exit 1); default `breaking`. */
  failOn?: FailOn;
  /** The config file's `contract` section. */
  config?: ContractConfig;
  /** `YYYY-MM-DD` for ignore dates; default today (UTC). */
  today?: string;
}

export interface ContractCheckResult {
  /** True when the exit code is 0. */
  ok: boolean;
  /** 1 findings at or above `failOn`; else 3 when a provider could not be checked; else 0. */
  exitCode: 0 | 1 | 3;
  failOn: FailOn;
  findings: Finding[];
  counts: Record<Severity, number>;
  suppressed: Finding[];
  expiredIgnores: NonNullable<ContractConfig['ignore']>;
  checked: { provider: string; interactions: number; endpoints: number }[];
  /** Providers with recordings but no usable baseline. */
  unchecked: { provider: string; reason: string }[];
  /** Providers with a baseline but nothing recorded to compare. */
  unobserved: string[];
}

/**
 * `cassette contract check`: compares the newest take of each episode with the baselines in
 * `contracts/`. Returns data only; the CLI prints and exits.
 */
export async function runContractCheck(store: Store, options: ContractCheckOptions = {}): Promise<ContractCheckResult> {
  // Derived episodes (`*.probe`, `*.live`) are fresh answers, not what golden serves: never checked offline.
  const episodes = baselineEpisodes(await store.listEpisodes(), options.episodes);
  const interactions = episodes.length === 0 ? [] : await collect(store.interactions({ episodes, newestTakeOnly: true }));
  return checkInteractions(interactions, options);
}

/** The same comparison over any interactions (`contract check --live` passes fresh answers). */
export function checkInteractions(interactions: Iterable<Interaction>, options: ContractCheckOptions = {}): ContractCheckResult {
  const failOn = options.failOn ?? 'breaking';
  const wanted = options.providers ? new Set(options.providers) : undefined;
  const { contracts, problems } = readContracts(options.contractsDir ?? DEFAULT_CONTRACTS_DIR);
  const builder = new ContractBuilder({ evidence: true });
  for (const interaction of interactions) {
    if (wanted === undefined || wanted.has(interaction.provider)) builder.add(interaction);
  }
  const raw: Finding[] = [];
  const checked: ContractCheckResult['checked'] = [];
  const unchecked: ContractCheckResult['unchecked'] = [];
  const observedProviders = builder.providers();
  for (const provider of observedProviders) {
    const baseline = contracts.get(provider);
    const problem = problems.find((p) => p.provider === provider);
    if (baseline === undefined) {
      unchecked.push({
        provider,
        reason: problem ? `baseline ${problem.path} ${problem.message}` : 'no baseline; run `cassette contract update`',
      });
      continue;
    }
    const observed = builder.observed(provider);
    raw.push(...diffContract(baseline, observed));
    checked.push({ provider, interactions: observed.interactions, endpoints: observed.endpoints.size });
  }
  for (const problem of problems) {
    const relevant = wanted === undefined || wanted.has(problem.provider);
    if (relevant && !observedProviders.includes(problem.provider))
      unchecked.push({ provider: problem.provider, reason: `baseline ${problem.path} ${problem.message}` });
  }
  if (checked.length === 0 && unchecked.length === 0) unchecked.push(nothingToCheck(options));
  const unobserved = [...contracts.keys()].filter((p) => !observedProviders.includes(p) && (wanted === undefined || wanted.has(p))).sort();
  const configured = applyContractConfig(raw, options.config, options.today ?? today());
  const failing = configured.findings.some((f) => atOrAbove(f.severity, failOn));
  const exitCode = failing ? 1 : unchecked.length > 0 ? 3 : 0;
  return {
    ok: exitCode === 0,
    exitCode,
    failOn,
    findings: configured.findings,
    counts: countBySeverity(configured.findings),
    suppressed: configured.suppressed,
    expiredIgnores: configured.expiredIgnores,
    checked,
    unchecked,
    unobserved,
  };
}

/** Why nothing was compared (an empty store, or an episode or provider the store lacks): never "no drift". */
function nothingToCheck(options: ContractCheckOptions): ContractCheckResult['unchecked'][number] {
  const what = [
    options.episodes ? `episode ${options.episodes.map((e) => JSON.stringify(e)).join(', ')}` : undefined,
    options.providers ? `provider ${options.providers.map((p) => JSON.stringify(p)).join(', ')}` : undefined,
  ].filter(Boolean);
  return {
    provider: options.providers?.join(', ') ?? 'any',
    reason:
      `nothing recorded to compare${what.length > 0 ? ` for ${what.join(' and ')}` : ''} ` +
      '(check --episode and --provider against `cassette ls`; `.probe` and `.live` episodes are never checked offline)',
  };
}
