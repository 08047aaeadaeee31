/** The gates `cassette gates` runs, and the names of their JUnit suites. */
export const GATE_NAMES = ['flaky', 'perf', 'cost', 'stale', 'drift'] as const;
export type GateName = (typeof GATE_NAMES)[number];

/** One checked thing of a gate: a JUnit test case, failed when `ok` is false. */
export interface GateCheck {
  name: string;
  ok: boolean;
  /** Why it failed, or what was measured: the failure message, or the case's system-out. */
  detail: string;
}

/** What one gate found: rendered as a markdown section and a JUnit suite. */
export interface GateResult {
  gate: GateName;
  ok: boolean;
  /** One sentence for the summary table. */
  summary: string;
  /** The gate's own markdown section body (tables). */
  markdown: string;
  checks: GateCheck[];
  /** Caveats such as small samples; printed under the section, never fail the gate. */
  notes: string[];
  /** Set when the gate could not run (no baseline, no runs): reported, not failed. */
  skipped?: string;
}
