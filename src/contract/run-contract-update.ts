import { collect, type Store } from '../store/store.js';
import type { Interaction } from '../types.js';
import { compareFindings } from './classify-finding.js';
import { writeContract } from './contract-files.js';
import { DEFAULT_CONTRACTS_DIR } from '../config/config-defaults.js';
import type { Finding } from './contract-types.js';
import { diffEndpoint } from './diff-contract.js';
import { ContractBuilder } from './infer-contract.js';
import { baselineEpisodes } from './derived-episode.js';

export interface ContractUpdateOptions {
  /** Where baselines go; default `contracts` (relative to the working directory). */
  contractsDir?: string;
  /** Only these episodes (default: all). */
  episodes?: readonly string[];
  /** Only these providers (default: every provider recorded). */
  providers?: readonly string[];
  /** Infer from every take, not only the newest of each episode. */
  allTakes?: boolean;
  /** Infer and report, write nothing. */
  dryRun?: boolean;
}

export interface ContractUpdateResult {
  ok: boolean;
  exitCode: 0;
  contracts: { provider: string; path: string; endpoints: number; interactions: number; changed: boolean }[];
  /** Built-in schema violations in the recordings themselves (kept in the baseline as known). */
  violations: Finding[];
}

/**
 * `cassette contract update`: infers one baseline per provider from the store (the newest take
 * of each episode, as golden serves them) and writes `contracts/<provider>.json`. Prints nothing.
 */
export async function runContractUpdate(store: Store, options: ContractUpdateOptions = {}): Promise<ContractUpdateResult> {
  // A baseline is learned from what golden serves, never from `*.probe` / `*.live` answers.
  const episodes = baselineEpisodes(await store.listEpisodes(), options.episodes);
  const interactions =
    episodes.length === 0 ? [] : await collect(store.interactions({ episodes, newestTakeOnly: options.allTakes !== true }));
  return updateFromInteractions(interactions, options);
}

/** The same as `runContractUpdate`, from any interactions (tests, imports). */
export function updateFromInteractions(interactions: Iterable<Interaction>, options: ContractUpdateOptions = {}): ContractUpdateResult {
  const wanted = options.providers ? new Set(options.providers) : undefined;
  const builder = new ContractBuilder({ evidence: true });
  for (const interaction of interactions) {
    if (wanted === undefined || wanted.has(interaction.provider)) builder.add(interaction);
  }
  const dir = options.contractsDir ?? DEFAULT_CONTRACTS_DIR;
  const contracts: ContractUpdateResult['contracts'] = [];
  const violations: Finding[] = [];
  for (const provider of builder.providers()) {
    const contract = builder.baseline(provider);
    const written = options.dryRun ? { path: `${dir}/${provider}.json`, changed: false } : writeContract(dir, contract);
    contracts.push({
      provider,
      path: written.path,
      endpoints: Object.keys(contract.endpoints).length,
      interactions: contract.interactions,
      changed: written.changed,
    });
    for (const endpoint of builder.observed(provider).endpoints.values()) {
      violations.push(...diffEndpoint(undefined, endpoint).filter((f) => f.check === 'schema-violation'));
    }
  }
  return { ok: true, exitCode: 0, contracts, violations: violations.sort(compareFindings) };
}
