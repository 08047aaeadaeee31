import { CassetteError } from '../errors.js';
import type { ContractConfig } from '../contract/contract-types.js';
import { parseDuration } from '../store/parse-duration.js';
import type { Store } from '../store/store.js';
import { runDriftGate } from './drift-gate.js';
import { findStale } from './find-stale.js';
import { runFlakyGate } from './flaky-gate.js';
import { GATE_NAMES, type GateName, type GateResult } from './gate-result.js';
import type { FlakyGateOptions } from './flaky-gate.js';
import type { PerfGateOptions } from './run-perf-gate.js';
import { runPerfGate } from './run-perf-gate.js';
import { staleGateResult } from './stale-gate.js';

export interface GatesOptions {
  gates: readonly GateName[];
  flaky: FlakyGateOptions;
  perf: PerfGateOptions;
  olderThan: string;
  contractsDir?: string;
  contractConfig?: ContractConfig;
}

/**
 * `cassette gates`: every configured gate over one store, in a fixed order. A gate that has
 * nothing to work on (no runs in the ledger, no baseline, no contracts) is skipped with the
 * reason, never failed: a new project's first CI job passes and says what to set up.
 */
export async function runGates(store: Store, o: GatesOptions): Promise<GateResult[]> {
  const results: GateResult[] = [];
  const want = new Set(o.gates);
  if (want.has('flaky')) results.push((await runFlakyGate(store, o.flaky)).result);
  if (want.has('perf') || want.has('cost')) {
    try {
      const perf = await runPerfGate(store, o.perf);
      if (want.has('perf')) results.push(perf.latency);
      if (want.has('cost')) results.push(perf.cost);
    } catch (err) {
      if (!(err instanceof CassetteError) || err.code !== 'bad_usage') throw err;
      for (const gate of ['perf', 'cost'] as const) if (want.has(gate)) results.push(skipped(gate, err.message));
    }
  }
  if (want.has('stale'))
    results.push(staleGateResult(await findStale(store, parseDuration(o.olderThan, 'gates.stale.olderThan')), o.olderThan));
  if (want.has('drift')) results.push(await runDriftGate(store, o.contractsDir, o.contractConfig));
  return results;
}

/** The gates run when neither `--only` nor config `gates.run` names them: all of them. */
export const DEFAULT_GATES: readonly GateName[] = GATE_NAMES;

function skipped(gate: GateName, reason: string): GateResult {
  return { gate, ok: true, summary: `skipped: ${reason}`, markdown: '', checks: [], notes: [], skipped: reason };
}
