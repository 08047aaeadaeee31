import { xmlEscape } from '../contract/render-junit.js';
import type { GateResult } from './gate-result.js';
import { plainPaint } from '../util/paint.js';
import type { Paint } from '../util/paint.js';

const attr = (name: string, value: string | number): string => ` ${name}="${xmlEscape(String(value))}"`;

/** JUnit XML for CI test tabs: one suite per gate, one case per check; a failed check is a failure. */
export function renderGatesJunit(results: readonly GateResult[], title = 'cassette gates'): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const r of results) {
    const cases = r.checks.map((c) => {
      const head = `    <testcase${attr('classname', `cassette.${r.gate}`)}${attr('name', c.name)}`;
      if (!c.ok)
        return `${head}>\n      <failure${attr('message', c.detail)}${attr('type', r.gate)}>${xmlEscape(c.detail)}</failure>\n    </testcase>`;
      return c.detail ? `${head}>\n      <system-out>${xmlEscape(c.detail)}</system-out>\n    </testcase>` : `${head}/>`;
    });
    if (r.skipped !== undefined) {
      cases.push(
        `    <testcase${attr('classname', `cassette.${r.gate}`)}${attr('name', r.gate)}>\n      <skipped${attr('message', r.skipped)}/>\n    </testcase>`,
      );
    }
    const failed = r.checks.filter((c) => !c.ok).length;
    suites.push(
      `  <testsuite${attr('name', `cassette ${r.gate}`)}${attr('tests', cases.length)}${attr('failures', failed)}${attr('errors', 0)}>`,
    );
    suites.push(...cases, '  </testsuite>');
    tests += cases.length;
    failures += failed;
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attr('name', title)}${attr('tests', tests)}${attr('failures', failures)}${attr('errors', 0)}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

/**
 * One markdown document for a CI job page: a summary table, then each gate's section. On a terminal
 * (a colour paint) the verdicts are green pass, red FAIL, dim skipped; a file always gets plain text.
 */
export function renderGatesMarkdown(results: readonly GateResult[], title = 'cassette gates', paint: Paint = plainPaint): string {
  const lines = [`# ${title}`, '', '| gate | result | summary |', '|---|---|---|'];
  for (const r of results) lines.push(`| ${r.gate} | ${verdict(r, paint)} | ${cell(r.summary)} |`);
  for (const r of results) {
    lines.push('', `## ${r.gate}: ${verdict(r, paint)}`, '', r.summary);
    if (r.markdown) lines.push('', r.markdown);
    for (const n of r.notes) lines.push('', `> ${n}`);
  }
  return `${lines.join('\n')}\n`;
}

function verdict(r: GateResult, paint: Paint): string {
  return r.skipped !== undefined ? paint.dim('skipped') : r.ok ? paint.ok('pass') : paint.fail('**FAIL**');
}

/** Escapes a markdown table cell. */
export function cell(text: string | number): string {
  return String(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
