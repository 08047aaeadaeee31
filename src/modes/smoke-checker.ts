import { checkAnswer } from '../contract/check-answer.js';
import { readContracts } from '../contract/contract-files.js';
import type { Contract, ContractConfig } from '../contract/contract-types.js';
import { inferContracts } from '../contract/infer-contract.js';
import type { Logger } from '../log.js';
import type { Route } from '../providers/registry.js';
import { openStore } from '../store/open-store.js';
import { storeExists } from '../store/store-location.js';
import type { Interaction } from '../types.js';

export type SmokeFinding = { severity: string; check: string; path: string; message?: string };

/**
 * Smoke mode's per-answer check: the baselines of `contracts/` are read once at start; each live
 * answer is compared with its provider's baseline. A provider without a baseline file is compared
 * with the baseline inferred from the store's recordings of it (the store is the baseline, as
 * `cassette contract update` would write it). A provider with neither fails every answer with a
 * breaking `baseline-missing` finding that says how to make one: "could not check" is never "no drift".
 */
export async function createSmokeChecker(
  contractsDir: string,
  config: ContractConfig,
  logger: Logger,
  store?: string,
): Promise<(provider: Route, interaction: Interaction) => SmokeFinding[]> {
  const { contracts, problems } = readContracts(contractsDir);
  for (const p of problems) logger.warn({ contracts: contractsDir }, `contract baseline unreadable: ${JSON.stringify(p)}`);
  const inferred = store === undefined ? new Map<string, Contract>() : await inferFromStore(store, contracts, logger);
  const warned = new Set<string>();
  return (provider, interaction) => {
    const baseline = contracts.get(provider.name) ?? inferred.get(provider.name);
    if (!baseline) {
      const message =
        `no baseline for provider ${provider.name}: no ${contractsDir}/${provider.name}.json and no recordings of it in ` +
        `${store ?? 'the store'}; record them (cassette run --mode live …), then run cassette contract update`;
      if (!warned.has(provider.name)) logger.warn({ provider: provider.name }, `smoke mode: ${message}`);
      warned.add(provider.name);
      return [{ severity: 'breaking', check: 'baseline-missing', path: '', message }];
    }
    return checkAnswer(baseline, interaction, config).map((f) => ({
      severity: f.severity,
      check: f.check,
      path: f.path,
      message: f.message,
    }));
  };
}

/**
 * Baselines inferred from the served takes of the store, for the providers `contracts/` has no
 * file for. Read once at start (smoke writes nothing, so the store does not change under it);
 * a store that cannot be read leaves those providers without a baseline, logged.
 */
async function inferFromStore(location: string, files: ReadonlyMap<string, Contract>, logger: Logger): Promise<Map<string, Contract>> {
  const inferred = new Map<string, Contract>();
  if (!storeExists(location)) return inferred;
  try {
    const store = await openStore(location, { readonly: true });
    try {
      const recordings: Interaction[] = [];
      for await (const i of store.interactions()) if (!files.has(i.provider)) recordings.push(i);
      for (const c of inferContracts(recordings)) inferred.set(c.provider, c);
    } finally {
      await store.close();
    }
  } catch (err) {
    logger.warn({ store: location }, `smoke mode: cannot infer baselines from the store: ${(err as Error).message}`);
    return inferred;
  }
  for (const [provider, c] of inferred)
    logger.info(
      { provider, store: location },
      `smoke mode: no contract file for ${provider}; baseline inferred from ${c.interactions} recordings in ${location}`,
    );
  return inferred;
}
