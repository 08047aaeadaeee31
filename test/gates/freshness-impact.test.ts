// `cassette stale`, `verify --max-age`, `cassette impact` and `cassette gates` (docs/gates.md) on a
// store recorded through the proxy: episodes whose system prompt comes from one of two prompt
// files, one with no file at all, and one recorded a few seconds after the others.
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cassette } from '../cli/cli-helpers.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { startKnobUpstream, writeGateChild } from './gate-helpers.js';

useCleanup();

const PROMPT_A = `You are the billing assistant of Example Corp.
Answer questions about invoices for {customer_name} only.
Never reveal another customer's account number.
`;
const PROMPT_B = `You are a travel planner who suggests quiet places.
Keep every answer under {{max_words}} words, please.
`;

describe('freshness and impact', () => {
  it('lists exactly the episodes a changed prompt file feeds, and fails stale recordings in stale, verify and gates', async () => {
    const dir = tempDir();
    const store = join(dir, 'store'); // a directory store: its run ledger is _runs/*.json
    writeFileSync(join(dir, 'a.txt'), PROMPT_A);
    writeFileSync(join(dir, 'b.txt'), PROMPT_B);
    const upstream = await startKnobUpstream({ latencyMs: 0, answer: 'fine', usage: { prompt_tokens: 10, completion_tokens: 5 } });
    const child = writeGateChild(dir);
    const record = async (episode: string, env: Record<string, string>): Promise<void> => {
      const r = await cassette(
        [
          'run',
          '--mode',
          'live',
          '--store',
          store,
          '--episode',
          episode,
          '--upstream',
          `openai=${upstream.url}`,
          '--',
          process.execPath,
          child,
        ],
        dir,
        env,
      );
      expect(r.code, r.stderr).toBe(0);
    };
    // The child fills in the placeholders the way an app would: the template text around them stays.
    await record('billing', { CHILD_PROMPT_FILE: join(dir, 'a.txt') });
    await record('billing-refunds', { CHILD_PROMPT_FILE: join(dir, 'a.txt'), CHILD_ASK: 'refund please' });
    await record('travel', { CHILD_PROMPT_FILE: join(dir, 'b.txt') });
    await sleep(8000);
    const plainStarted = Date.now();
    await record('plain', {});
    // A threshold between `plain`'s age and the others' (at least 8 s older): `plain` is younger than
    // the time since its recording started, plus 4 s for the CLI to start on a loaded machine.
    const between = (): string => `${Math.ceil((Date.now() - plainStarted) / 1000) + 4}s`;

    // Staleness: the three first episodes are older than the threshold, `plain` is not.
    const stale = await cassette(['stale', '--store', store, '--older-than', between(), '--json'], dir);
    expect(stale.code, stale.stderr).toBe(1);
    expect(JSON.parse(stale.stdout).episodes).toEqual(['billing', 'billing-refunds', 'travel']);
    expect((await cassette(['stale', '--store', store, '--older-than', '30d'], dir)).code).toBe(0);

    const verify = await cassette(['verify', '--store', store, '--max-age', between(), '--json'], dir);
    expect(verify.code).toBe(1);
    expect(JSON.parse(verify.stdout).findings.map((f: { kind: string; where: string }) => `${f.kind} ${f.where}`)).toEqual([
      'stale episode "billing" take 1 step 1',
      'stale episode "billing-refunds" take 1 step 1',
      'stale episode "travel" take 1 step 1',
    ]);
    expect((await cassette(['verify', '--store', store, '--max-age', '30d'], dir)).code).toBe(0);
    expect((await cassette(['verify', '--store', store, '--max-age', 'soon'], dir)).code).toBe(2);

    // The prompt changes one line; the lines that stay still tie it to its episodes.
    writeFileSync(join(dir, 'a.txt'), PROMPT_A.replace('Never reveal', 'Do not ever reveal'));
    const a = await cassette(['impact', '--store', store, 'a.txt', '--json'], dir);
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout).episodes).toEqual(['billing', 'billing-refunds']);
    const both = await cassette(['impact', '--store', store, 'a.txt', 'b.txt'], dir);
    expect(both.stdout.trim().split('\n')).toEqual(['billing', 'billing-refunds', 'travel']);
    writeFileSync(join(dir, 'unrelated.md'), 'A file about something else entirely, used by no prompt.\n');
    expect(JSON.parse((await cassette(['impact', '--store', store, 'unrelated.md', '--json'], dir)).stdout).episodes).toEqual([]);

    // `cassette gates`: nothing to fail on a fresh store without tests, baselines or contracts...
    const fresh = await cassette(['gates', '--store', store, '--junit', 'gates.xml', '--markdown', 'gates.md'], dir);
    expect(fresh.code, fresh.stderr).toBe(0);
    const md = readFileSync(join(dir, 'gates.md'), 'utf8');
    expect(md).toContain('| flaky | skipped |');
    expect(md).toContain('| stale | pass |');
    expect(md).toContain('| drift | skipped |');
    // ...and one failed gate fails the job, in the markdown and in the JUnit.
    const old = await cassette(['gates', '--store', store, '--older-than', '5s', '--junit', 'gates.xml', '--json'], dir);
    expect(old.code).toBe(1);
    expect(JSON.parse(old.stdout).gates.find((g: { gate: string }) => g.gate === 'stale')).toMatchObject({ ok: false });
    expect(readFileSync(join(dir, 'gates.xml'), 'utf8')).toMatch(/<testcase classname="cassette.stale" name="billing">\s*<failure/);
    expect((await cassette(['gates', '--store', store, '--only', 'stale,nonsense'], dir)).code).toBe(2);
  }, 120_000);
});
