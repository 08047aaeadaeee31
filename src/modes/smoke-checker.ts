import { checkAnswer } from '../contract/check-answer.js';
import { readContracts } from '../contract/contract-files.js';
import type { ContractConfig } from '../contract/contract-types.js';
import type { Logger } from '../log.js';
import type { Route } from '../providers/registry.js';
import type { Interaction } from '../types.js';

export type SmokeFinding = { severity: string; check: string; path: string; message?: string };

/**
 * Smoke mode's per-answer check: the baselines of `contracts/` are read once at start; each
 * live answer is compared with its provider's baseline. A provider without a baseline is
 * reported once, not silently passed.
 */
export function createSmokeChecker(
  contractsDir: string,
  config: ContractConfig,
  logger: Logger,
): (provider: Route, interaction: Interaction) => SmokeFinding[] {
  const { contracts, problems } = readContracts(contractsDir);
  for (const p of problems) logger.warn({ contracts: contractsDir }, `contract baseline unreadable: ${JSON.stringify(p)}`);
  if (contracts.size === 0)
    logger.warn({ contracts: contractsDir }, `smoke mode: no baselines in ${contractsDir}; run cassette contract update first`);
  const warned = new Set<string>();
  return (provider, interaction) => {
    const baseline = contracts.get(provider.name);
    if (!baseline) {
      if (!warned.has(provider.name))
        logger.warn({ provider: provider.name }, `smoke mode: no baseline contract for provider ${provider.name}`);
      warned.add(provider.name);
      return [];
    }
    return checkAnswer(baseline, interaction, config).map((f) => ({
      severity: f.severity,
      check: f.check,
      path: f.path,
      message: f.message,
    }));
  };
}
