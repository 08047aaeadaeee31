import { XMLParser } from 'fast-xml-parser';
import { CassetteError } from '../errors.js';
import type { TestOutcome, TestResult } from '../store/run-record.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Every element that may repeat is an array, so one test case reads like many.
  isArray: (name) => name === 'testsuite' || name === 'testcase' || name === 'testsuites',
  // No entity expansion: a runner's report is data, and expansion is how XML bombs work.
  processEntities: false,
  htmlEntities: false,
});

type Node = Record<string, unknown>;

/**
 * Test outcomes from JUnit XML as pytest, vitest, jest (jest-junit), gotestsum and most runners
 * write it: `<testsuites>` or `<testsuite>` (nested or not) of `<testcase classname name time>`,
 * a case failed when it holds `<failure>`, errored with `<error>`, skipped with `<skipped>`.
 * A test repeated in one file (pytest --count) keeps its worst outcome.
 */
export function parseJunit(xml: string, source = 'JUnit XML'): TestResult[] {
  let doc: Node;
  try {
    doc = parser.parse(xml, true) as Node;
  } catch (err) {
    throw new CassetteError('bad_usage', `${source} is not well-formed XML: ${(err as Error).message}`, { cause: err });
  }
  if (!('testsuites' in doc) && !('testsuite' in doc)) {
    throw new CassetteError('bad_usage', `${source} has no <testsuites> or <testsuite> element: is it a JUnit report?`);
  }
  const byTest = new Map<string, TestResult>();
  const visit = (node: Node): void => {
    for (const c of asNodes(node.testcase)) {
      const result = toResult(c);
      const seen = byTest.get(result.test);
      if (!seen || RANK[result.outcome] > RANK[seen.outcome]) byTest.set(result.test, result);
    }
    for (const s of asNodes(node.testsuite)) visit(s);
    for (const s of asNodes(node.testsuites)) visit(s);
  };
  visit(doc);
  return [...byTest.values()];
}

const RANK: Record<TestOutcome, number> = { skipped: 0, passed: 1, failed: 2, error: 3 };

function toResult(c: Node): TestResult {
  const name = String(c.name ?? '');
  const classname = c.classname === undefined ? '' : String(c.classname);
  const outcome: TestOutcome = 'error' in c ? 'error' : 'failure' in c ? 'failed' : 'skipped' in c ? 'skipped' : 'passed';
  const seconds = Number(c.time);
  const result: TestResult = { test: classname ? `${classname}::${name}` : name, outcome };
  if (Number.isFinite(seconds)) result.durationMs = Math.round(seconds * 1000);
  return result;
}

function asNodes(value: unknown): Node[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is Node => typeof v === 'object' && v !== null);
}
