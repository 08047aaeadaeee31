import { atOrAbove } from './classify-finding.js';
import type { Finding } from './contract-types.js';
import type { ContractCheckResult } from './run-contract-check.js';
import { plainPaint } from '../util/paint.js';
import type { Paint } from '../util/paint.js';

const LABEL = { breaking: 'BREAKING', warning: 'WARNING ', info: 'INFO    ' } as const;

/**
 * `contract check` for people: findings grouped by endpoint, then a one-line verdict. With a colour
 * paint: breaking red, warning and "not checked" yellow, info dim, the verdict green or red.
 */
export function renderText(result: ContractCheckResult, paint: Paint = plainPaint): string {
  const lines: string[] = [];
  let endpoint: string | undefined;
  const byEndpoint = [...result.findings].sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
  for (const f of byEndpoint) {
    if (f.endpoint !== endpoint) {
      endpoint = f.endpoint;
      lines.push('', endpoint);
    }
    lines.push(...findingLines(f, result.failOn, paint));
  }
  for (const u of result.unchecked) lines.push('', paint.warn(`NOT CHECKED ${u.provider}: ${u.reason}`));
  if (result.unobserved.length > 0) lines.push('', `No recordings to compare for: ${result.unobserved.join(', ')}`);
  for (const e of result.expiredIgnores) {
    lines.push(
      '',
      `Expired ignore (until ${e.until}): ${[e.check, e.provider, e.path].filter(Boolean).join(' ')}${e.reason ? ` (${e.reason})` : ''}`,
    );
  }
  const c = result.counts;
  const checked = result.checked.map((p) => `${p.provider} (${p.interactions} interactions, ${p.endpoints} endpoints)`).join(', ');
  lines.push(
    '',
    `Checked ${checked || 'nothing'}.`,
    `${c.breaking} breaking, ${c.warning} warning, ${c.info} info${result.suppressed.length > 0 ? `, ${result.suppressed.length} suppressed` : ''}. ` +
      (result.ok
        ? paint.ok('OK')
        : result.exitCode === 3
          ? paint.warn('Could not check every provider.')
          : paint.fail(`FAILED (fail-on ${result.failOn}).`)),
  );
  return `${lines.join('\n').replace(/^\n+/, '')}\n`;
}

/** One finding as a few indented lines. */
export function findingLines(f: Finding, failOn: Parameters<typeof atOrAbove>[1] = 'breaking', paint: Paint = plainPaint): string[] {
  const tone = f.severity === 'breaking' ? paint.fail : f.severity === 'warning' ? paint.warn : paint.dim;
  const marker = atOrAbove(f.severity, failOn) ? '✗' : '•';
  const lines = [
    `  ${tone(`${marker} ${LABEL[f.severity]}`)} ${f.check}  ${f.path}`,
    `      ${f.message}`,
    `      baseline: ${f.baseline.summary}`,
    `      observed: ${f.observed.summary}`,
  ];
  if (f.interactions.length > 0) lines.push(`      seen in: ${f.interactions.join(', ')}`);
  return lines;
}
