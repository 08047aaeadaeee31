/** Baselines inferred from the whole corpus, and a one-call drift check of mutated recordings. */
import { expect } from 'vitest';
import { diffContract } from '../../src/contract/diff-contract.js';
import type { Contract, Finding, Severity } from '../../src/contract/contract-types.js';
import { ContractBuilder } from '../../src/contract/infer-contract.js';
import type { Interaction } from '../../src/types.js';
import { allCorpus } from './corpus-interactions.js';

let baselines: Map<string, Contract> | undefined;

/** One baseline per provider, from the 51 corpus recordings. */
export function corpusBaselines(): Map<string, Contract> {
  if (baselines) return baselines;
  const builder = new ContractBuilder().addAll(allCorpus());
  baselines = new Map(builder.providers().map((p) => [p, builder.baseline(p)]));
  return baselines;
}

/** Findings of `observed` against `baseline` (default: the corpus baselines). */
export function drift(observed: Interaction[], baseline: Map<string, Contract> = corpusBaselines()): Finding[] {
  const builder = new ContractBuilder({ evidence: true }).addAll(observed);
  return builder.providers().flatMap((p) => {
    const contract = baseline.get(p);
    if (!contract) throw new Error(`no baseline for ${p}`);
    return diffContract(contract, builder.observed(p));
  });
}

/** Asserts a finding of that check, severity (and path) exists; returns it. */
export function expectFinding(findings: Finding[], check: string, severity: Severity, path?: string): Finding {
  const found = findings.find((f) => f.check === check && (path === undefined || f.path === path));
  expect(found, `expected ${check} ${path ?? ''} in:\n${summary(findings)}`).toBeDefined();
  expect(found!.severity).toBe(severity);
  expect(found!.interactions.length).toBeGreaterThan(0);
  expect(found!.baseline.summary).not.toBe('');
  expect(found!.observed.summary).not.toBe('');
  return found!;
}

/** The most severe finding's severity, or `none`. */
export function worst(findings: Finding[]): Severity | 'none' {
  if (findings.some((f) => f.severity === 'breaking')) return 'breaking';
  if (findings.some((f) => f.severity === 'warning')) return 'warning';
  return findings.length > 0 ? 'info' : 'none';
}

/** One line per finding, for assertion messages. */
export function summary(findings: Finding[]): string {
  return findings.map((f) => `${f.severity} ${f.check} ${f.endpoint} ${f.path}: ${f.message}`).join('\n') || '(no findings)';
}
