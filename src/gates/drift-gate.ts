import { existsSync } from 'node:fs';
import { atOrAbove } from '../contract/classify-finding.js';
import type { ContractConfig } from '../contract/contract-types.js';
import { DEFAULT_CONTRACTS_DIR } from '../config/config-defaults.js';
import { runContractCheck } from '../contract/run-contract-check.js';
import type { Store } from '../store/store.js';
import type { GateResult } from './gate-result.js';
import { cell } from './render-gates.js';

/** The drift gate: `cassette contract check` of the served takes against the committed contracts. */
export async function runDriftGate(store: Store, contractsDir = DEFAULT_CONTRACTS_DIR, config?: ContractConfig): Promise<GateResult> {
  if (!existsSync(contractsDir)) {
    return {
      gate: 'drift',
      ok: true,
      summary: `no baseline contracts in ${contractsDir}/ (write them with \`cassette contract update\`)`,
      markdown: '',
      checks: [],
      notes: [],
      skipped: `no ${contractsDir}/`,
    };
  }
  // Awaited so this keeps working when the contract check becomes asynchronous with the store.
  const result = await runContractCheck(store, { contractsDir, ...(config ? { config } : {}) });
  const failing = result.findings.filter((f) => atOrAbove(f.severity, result.failOn));
  const lines =
    result.findings.length === 0
      ? []
      : ['| severity | check | endpoint | path | what |', '|---|---|---|---|---|'].concat(
          result.findings.map((f) => `| ${f.severity} | ${f.check} | ${cell(f.endpoint)} | ${cell(f.path)} | ${cell(f.message)} |`),
        );
  return {
    gate: 'drift',
    ok: result.ok,
    summary: `${result.counts.breaking} breaking, ${result.counts.warning} warning, ${result.counts.info} info finding(s) against ${contractsDir}/`,
    markdown: lines.join('\n'),
    checks: [
      ...result.checked
        .filter((c) => !failing.some((f) => f.provider === c.provider))
        .map((c) => ({ name: `${c.provider} matches its contract`, ok: true, detail: '' })),
      ...failing.map((f) => ({ name: `${f.provider} ${f.check} ${f.path}`, ok: false, detail: f.message })),
    ],
    notes: result.unchecked.map((u) => `${u.provider} not checked: ${u.reason}`),
  };
}
