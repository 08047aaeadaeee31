import type { ContractCheckResult } from './run-contract-check.js';

/**
 * `contract check --json`: `{"ok", "findings": [{severity, check, path, baseline, observed,
 * provider, endpoint, message, interactions}], ...}` as one line, so it pipes into `jq`.
 */
export function renderJson(result: ContractCheckResult): string {
  return JSON.stringify({
    ok: result.ok,
    exitCode: result.exitCode,
    failOn: result.failOn,
    counts: result.counts,
    findings: result.findings.map((f) => ({
      severity: f.severity,
      check: f.check,
      path: f.path,
      baseline: f.baseline,
      observed: f.observed,
      provider: f.provider,
      endpoint: f.endpoint,
      message: f.message,
      interactions: f.interactions,
    })),
    checked: result.checked,
    unchecked: result.unchecked,
    unobserved: result.unobserved,
    suppressed: result.suppressed.length,
    expiredIgnores: result.expiredIgnores,
  });
}
