import type { Interaction } from '../types.js';
import { applyContractConfig, today } from './apply-config.js';
import { compareFindings } from './classify-finding.js';
import type { Contract, ContractConfig, Finding } from './contract-types.js';
import { diffEndpoint } from './diff-contract.js';
import { diffRequests } from './diff-requests.js';
import { ContractBuilder } from './infer-contract.js';

/**
 * Smoke mode: compares ONE live answer with the provider's baseline. Checks that need many
 * samples (an optional path no longer seen) are skipped, since one answer cannot show them.
 * Cost is one walk of the answer plus one pass over its family's baseline paths.
 */
export function checkAnswer(baseline: Contract, interaction: Interaction, config?: ContractConfig): Finding[] {
  const builder = new ContractBuilder({ evidence: true });
  builder.add(interaction);
  const observed = builder.observed(interaction.provider);
  const findings: Finding[] = [];
  for (const [id, endpoint] of observed.endpoints) {
    findings.push(...diffEndpoint(baseline.endpoints[id], endpoint, { single: true }));
  }
  findings.push(...diffRequests(interaction.provider, baseline.requests, observed.requests));
  findings.sort(compareFindings);
  return config ? applyContractConfig(findings, config, today()).findings : findings;
}
