// `cassette flaky` (docs/gates.md) on a ledger written by real runs: `cassette run --repeat 10
// --mode live --junit FILE` around a child whose tests fail on a fixed plan, through the proxy to a
// fake upstream whose answer changes from run to run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cassette } from '../cli/cli-helpers.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { startKnobUpstream, writeGateChild } from './gate-helpers.js';

useCleanup();

describe('cassette flaky', () => {
  it('quarantines a test failing 3 of 10 runs, calls 2 of 10 flaky and 1 of 10 stable, and writes the quarantine file', async () => {
    const dir = tempDir();
    const store = join(dir, 'cassettes.db');
    const knobs = { latencyMs: 0, answer: 'the same answer', usage: { prompt_tokens: 10, completion_tokens: 5 } };
    const upstream = await startKnobUpstream(knobs);
    const child = writeGateChild(dir);
    const env = {
      CHILD_JUNIT: join(dir, 'junit.xml'),
      CHILD_COUNTER: join(dir, 'counter'),
      CHILD_FAIL_PLAN: JSON.stringify({ three: [2, 5, 9], two: [3, 7], one: [4], never: [] }),
    };
    const run = await cassette(
      [
        'run',
        '--mode',
        'live',
        '--store',
        store,
        '--upstream',
        `openai=${upstream.url}`,
        '--repeat',
        '10',
        '--junit',
        env.CHILD_JUNIT,
        '--',
        process.execPath,
        child,
      ],
      dir,
      env,
    );
    expect(run.code, run.stderr).toBe(1); // some runs failed: the first failing code
    expect(upstream.requests).toHaveLength(10);

    const flaky = await cassette(
      ['flaky', '--store', store, '--runs', '10', '--quarantine', '--json', '--junit', 'flaky.xml', '--markdown', 'flaky.md'],
      dir,
    );
    expect(flaky.code, flaky.stderr).toBe(1); // two tests over a budget of 0
    const report = JSON.parse(flaky.stdout);
    const status = Object.fromEntries(report.tests.map((t: { test: string; status: string }) => [t.test, t.status]));
    expect(status).toEqual({ 'suite::three': 'quarantined', 'suite::two': 'flaky', 'suite::one': 'stable', 'suite::never': 'stable' });
    expect(report.tests.find((t: { test: string }) => t.test === 'suite::three')).toMatchObject({
      runs: 10,
      failures: 3,
      failureRate: 0.3,
    });
    expect(report.runs).toHaveLength(10);
    expect(report.quarantined).toEqual(['suite::three']);

    const quarantine = JSON.parse(readFileSync(join(dir, 'cassette-quarantine.json'), 'utf8'));
    expect(quarantine).toMatchObject({ version: 1, action: 'skip', thresholds: { flakyAbove: 0.1, quarantineAbove: 0.2, window: 10 } });
    expect(quarantine.tests).toEqual([
      expect.objectContaining({ test: 'suite::three', classname: 'suite', name: 'three', failures: 3, runs: 10 }),
    ]);
    expect(readFileSync(join(dir, 'flaky.xml'), 'utf8')).toMatch(/<testcase classname="cassette.flaky" name="suite::two">\s*<failure/);
    expect(readFileSync(join(dir, 'flaky.md'), 'utf8')).toContain('| suite::three | quarantined | 3 | 10 | 30 % |');

    // The budget is configurable; so are the thresholds.
    expect((await cassette(['flaky', '--store', store, '--runs', '10', '--max-flaky', '2'], dir)).code).toBe(0);
    const loose = await cassette(
      ['flaky', '--store', store, '--runs', '10', '--flaky-above', '25%', '--quarantine-above', '0.5', '--json'],
      dir,
    );
    expect(loose.code).toBe(1);
    expect(
      JSON.parse(loose.stdout)
        .tests.filter((t: { status: string }) => t.status !== 'stable')
        .map((t: { test: string }) => t.test),
    ).toEqual(['suite::three']);
  }, 120_000);

  it('reports answer variability across live takes and exits 2 on bad thresholds', async () => {
    const dir = tempDir();
    const store = join(dir, 'cassettes.db');
    const knobs = { latencyMs: 0, answer: 'sunny and warm in Paris today', usage: { prompt_tokens: 10, completion_tokens: 5 } };
    const upstream = await startKnobUpstream(knobs);
    const child = writeGateChild(dir);
    const live = [
      'run',
      '--mode',
      'live',
      '--store',
      store,
      '--upstream',
      `openai=${upstream.url}`,
      '--episode',
      'weather',
      '--',
      process.execPath,
      child,
    ];
    expect((await cassette(live, dir)).code).toBe(0);
    knobs.answer = 'Zebras graze quietly beyond distant mountains';
    expect((await cassette(live, dir)).code).toBe(0);
    const flaky = await cassette(['flaky', '--store', store, '--json'], dir);
    expect(flaky.code, flaky.stderr).toBe(0); // no tests in the ledger: nothing over the budget
    const [episode] = JSON.parse(flaky.stdout).episodes;
    expect(episode).toMatchObject({ episode: 'weather', takes: 2, pairs: 1, variable: true, statusChanges: 0, toolCallAgreement: 1 });
    expect(episode.minSimilarity).toBeLessThan(0.5);
    expect(existsSync(join(dir, 'cassette-quarantine.json'))).toBe(false);

    const bad = await cassette(['flaky', '--store', store, '--flaky-above', 'lots'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--flaky-above expects a rate');
  }, 60_000);
});
