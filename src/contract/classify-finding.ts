import type { Evidence, FailOn, Finding, Severity } from './contract-types.js';

/**
 * Every check with its default severity. Consumer-centric, after oasdiff: breaking when a
 * client that followed the old contract can stop working, warning when it may behave
 * differently, info when it only gains something. docs/drift-rules.md explains each one.
 */
export const CHECKS = {
  'path-removed': 'breaking',
  'path-now-optional': 'warning',
  'path-no-longer-seen': 'warning',
  'path-new': 'info',
  'type-changed': 'breaking',
  'type-from-null': 'warning',
  'became-nullable': 'breaking',
  'discriminator-value-new': 'breaking',
  'enum-value-new': 'warning',
  'format-changed': 'warning',
  'array-now-empty': 'warning',
  'stream-terminator-missing': 'breaking',
  'stream-terminator-changed': 'breaking',
  'stream-event-gone': 'breaking',
  'stream-event-now-optional': 'warning',
  'stream-event-new': 'warning',
  'stream-first-event-changed': 'warning',
  'stream-first-event-empty-array': 'breaking',
  'stream-comments-new': 'info',
  'status-class-changed': 'breaking',
  'content-type-changed': 'breaking',
  'transport-changed': 'breaking',
  'usage-missing': 'warning',
  'endpoint-new': 'info',
  'schema-violation': 'breaking',
} as const satisfies Record<string, Severity>;

export type CheckId = keyof typeof CHECKS;

const RANK: Record<Severity, number> = { breaking: 3, warning: 2, info: 1 };

/** Where a finding belongs. */
export interface FindingScope {
  provider: string;
  endpoint: string;
}

/** Builds a finding with its check's default severity. */
export function finding(
  check: CheckId,
  scope: FindingScope,
  path: string,
  message: string,
  baseline: Evidence,
  observed: Evidence,
  interactions: readonly string[],
): Finding {
  return {
    severity: CHECKS[check],
    check,
    provider: scope.provider,
    endpoint: scope.endpoint,
    path,
    message,
    baseline,
    observed,
    interactions: [...interactions],
  };
}

/** Whether a severity is at or above a threshold (`never` is above everything). */
export function atOrAbove(severity: Severity, threshold: FailOn): boolean {
  return threshold !== 'never' && RANK[severity] >= RANK[threshold];
}

/** Deterministic report order: most severe first, then provider, endpoint, path, check. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    RANK[b.severity] - RANK[a.severity] ||
    cmp(a.provider, b.provider) ||
    cmp(a.endpoint, b.endpoint) ||
    cmp(a.path, b.path) ||
    cmp(a.check, b.check)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Counts findings per severity. */
export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { breaking: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}
