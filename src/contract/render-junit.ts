import { atOrAbove } from './classify-finding.js';
import type { Finding } from './contract-types.js';
import type { ContractCheckResult } from './run-contract-check.js';

/** Escapes text for XML content and attributes; drops characters XML 1.0 cannot carry. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const attr = (name: string, value: string | number): string => ` ${name}="${xmlEscape(String(value))}"`;

/**
 * `contract check --junit FILE`: one suite per provider, one test case per endpoint checked
 * clean and per finding. Findings at or above `--fail-on` are failures, the rest pass with the
 * finding in `system-out`; a provider that could not be checked is an error.
 */
export function renderJunit(result: ContractCheckResult): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let errors = 0;
  const providers = new Set([...result.checked.map((c) => c.provider), ...result.findings.map((f) => f.provider)]);
  for (const provider of [...providers].sort()) {
    const findings = result.findings.filter((f) => f.provider === provider);
    const cases = findings.map((f) => findingCase(f, result.failOn));
    const failed = findings.filter((f) => atOrAbove(f.severity, result.failOn)).length;
    if (cases.length === 0)
      cases.push(`    <testcase${attr('classname', `contract.${provider}`)}${attr('name', 'matches the baseline contract')}/>`);
    suites.push(
      `  <testsuite${attr('name', `contract ${provider}`)}${attr('tests', cases.length)}${attr('failures', failed)}${attr('errors', 0)}>`,
      ...cases,
      '  </testsuite>',
    );
    tests += cases.length;
    failures += failed;
  }
  for (const u of result.unchecked) {
    suites.push(
      `  <testsuite${attr('name', `contract ${u.provider}`)}${attr('tests', 1)}${attr('failures', 0)}${attr('errors', 1)}>`,
      `    <testcase${attr('classname', `contract.${u.provider}`)}${attr('name', 'baseline available')}>`,
      `      <error${attr('message', u.reason)}${attr('type', 'not-checked')}/>`,
      '    </testcase>',
      '  </testsuite>',
    );
    tests++;
    errors++;
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attr('name', 'cassette contract check')}${attr('tests', tests)}${attr('failures', failures)}${attr('errors', errors)}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

function findingCase(f: Finding, failOn: ContractCheckResult['failOn']): string {
  const head = `    <testcase${attr('classname', `contract.${f.provider}.${f.endpoint}`)}${attr('name', `${f.check} ${f.path}`)}>`;
  const body = [
    f.message,
    `severity: ${f.severity}`,
    `baseline: ${f.baseline.summary}`,
    `observed: ${f.observed.summary}`,
    `interactions: ${f.interactions.join(', ') || '-'}`,
  ].join('\n');
  const inner = atOrAbove(f.severity, failOn)
    ? `      <failure${attr('message', f.message)}${attr('type', `${f.severity}:${f.check}`)}>${xmlEscape(body)}</failure>`
    : `      <system-out>${xmlEscape(body)}</system-out>`;
  return `${head}\n${inner}\n    </testcase>`;
}
