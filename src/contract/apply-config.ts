import type { ContractConfig, Finding } from './contract-types.js';

type IgnoreEntry = NonNullable<ContractConfig['ignore']>[number];

/** Findings after config: kept (severity possibly overridden), suppressed, and stale ignores. */
export interface ConfiguredFindings {
  findings: Finding[];
  /** Turned `off` or matched by an ignore entry that is still in force. */
  suppressed: Finding[];
  /** Ignore entries whose `until` date has passed: they no longer hide anything. */
  expiredIgnores: IgnoreEntry[];
}

/** Today as `YYYY-MM-DD` (UTC), the form ignore dates use. */
export function today(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** `*` matches any run of characters; everything else is literal. */
function globMatches(pattern: string, value: string): boolean {
  if (!pattern.includes('*')) return pattern === value;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(value);
}

function matches(entry: IgnoreEntry, f: Finding): boolean {
  if (entry.check !== undefined && !globMatches(entry.check, f.check)) return false;
  if (entry.provider !== undefined && entry.provider !== f.provider) return false;
  if (entry.path !== undefined && !globMatches(entry.path, f.path)) return false;
  return true;
}

/**
 * Applies the config's `contract` section: per-check severity overrides (`off` drops the
 * check) and the ignore list, each entry in force through its `until` date inclusive.
 */
export function applyContractConfig(findings: readonly Finding[], config: ContractConfig = {}, date: string = today()): ConfiguredFindings {
  const overrides = config.severity ?? {};
  const entries = config.ignore ?? [];
  const active = entries.filter((e) => e.until === undefined || e.until >= date);
  const expiredIgnores = entries.filter((e) => e.until !== undefined && e.until < date);
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const f of findings) {
    const override = overrides[f.check];
    if (override === 'off' || active.some((e) => matches(e, f))) {
      suppressed.push(f);
      continue;
    }
    kept.push(override === undefined ? f : { ...f, severity: override });
  }
  return { findings: kept, suppressed, expiredIgnores };
}
