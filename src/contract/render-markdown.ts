import type { ContractCheckResult } from './run-contract-check.js';

const ICON = { breaking: '🔴 breaking', warning: '🟡 warning', info: '🔵 info' } as const;

/** A table cell: pipes escaped, line breaks turned into spaces, code spans kept safe. */
export function mdCell(text: string): string {
  return (
    text
      .replace(/\\/g, '\\\\')
      .replace(/\|/g, '\\|')
      .replace(/\r?\n|\r/g, ' ')
      .trim() || ' '
  );
}

const code = (text: string): string => (text.includes('`') ? mdCell(text) : `\`${mdCell(text)}\``);

/**
 * `contract check --markdown FILE`, for a PR comment or an issue: a verdict line, a table per
 * provider checked, and one table of findings with their evidence.
 */
export function renderMarkdown(result: ContractCheckResult): string {
  const c = result.counts;
  const verdict = result.ok
    ? '✅ No drift at or above'
    : result.exitCode === 3
      ? '⚠️ Not every provider could be checked; fail-on'
      : '❌ Drift at or above';
  const lines = [
    '## Contract check',
    '',
    `${verdict} **${result.failOn}**: ${c.breaking} breaking, ${c.warning} warning, ${c.info} info.`,
    '',
    '| Provider | Interactions | Endpoints | Status |',
    '|---|---:|---:|---|',
  ];
  for (const p of result.checked) {
    const own = result.findings.filter((f) => f.provider === p.provider);
    lines.push(
      `| ${mdCell(p.provider)} | ${p.interactions} | ${p.endpoints} | ${own.length === 0 ? 'matches baseline' : `${own.length} finding(s)`} |`,
    );
  }
  for (const u of result.unchecked) lines.push(`| ${mdCell(u.provider)} | - | - | not checked: ${mdCell(u.reason)} |`);
  if (result.findings.length > 0) {
    lines.push('', '| Severity | Check | Endpoint | Path | Baseline | Observed | Seen in |', '|---|---|---|---|---|---|---|');
    for (const f of result.findings) {
      lines.push(
        `| ${ICON[f.severity]} | ${code(f.check)} | ${mdCell(f.endpoint)} | ${code(f.path)} | ${mdCell(f.baseline.summary)} | ${mdCell(f.observed.summary)} | ${mdCell(f.interactions.slice(0, 3).join(', ') || '-')} |`,
      );
    }
  }
  if (result.suppressed.length > 0) lines.push('', `${result.suppressed.length} finding(s) suppressed by config.`);
  for (const e of result.expiredIgnores) {
    lines.push(
      '',
      `Expired ignore entry (until ${e.until}): ${[e.check, e.provider, e.path].filter(Boolean).join(' ')}${e.reason ? ` (${mdCell(e.reason)})` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
