// Issue 14 item 25: `cassette diff EP [--take A --take B]` and `cassette diff EP1 EP2` say, step by
// step, what changed between two recordings (request in the miss explanation's words, status,
// answer text, tool calls, usage, timing), as text or one JSON document, from the store alone.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cassette, tempDir, writeStore } from './cli-helpers.js';

let tmp: ReturnType<typeof tempDir>;
let store: string;
beforeEach(async () => {
  tmp = tempDir();
  store = join(tmp.dir, 's.db');
  await writeStore(store, {
    checkout: [
      [{ ask: 'weather in Paris', answer: 'Sunny', totalMs: 800 }, { ask: 'thanks' }],
      [
        { ask: 'weather in Rome', answer: 'Rainy and cold', model: 'gpt-4o', usage: { inputTokens: 12, outputTokens: 9 }, totalMs: 1200 },
        { ask: 'thanks' },
        { ask: 'bye' },
      ],
      [{ ask: 'weather in Paris', answer: 'Sunny', totalMs: 800 }, { ask: 'thanks' }],
    ],
    other: [[{ ask: 'weather in Paris', answer: 'Sunny', totalMs: 800 }, { ask: 'thanks' }]],
  });
});
afterEach(() => tmp.cleanup());

describe('cassette diff', () => {
  it('two takes of one episode: request, answer, usage and timing per step, and a step only in one take', async () => {
    const r = await cassette(['diff', 'checkout', '--take', '1', '--take', '2', '--store', store], tmp.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('diff episode "checkout" take 1 → take 2: 2 of 3 steps differ');
    expect(r.stdout).toMatch(/step 1 CHANGED openai POST \/v1\/chat\/completions/);
    expect(r.stdout).toContain('model changed: "gpt-4o-mini" → "gpt-4o"');
    expect(r.stdout).toMatch(/message 2 \(user\) differs.*Paris.*Rome/);
    expect(r.stdout).toContain('answer text differs');
    expect(r.stdout).toContain('"Sunny" → "Rainy and cold"');
    expect(r.stdout).toContain('usage: 15 → 21 tokens (+6)');
    expect(r.stdout).toContain('timing: 800 ms → 1200 ms (+400 ms)');
    expect(r.stdout).toMatch(/step 2 same/);
    expect(r.stdout).toContain('step 3 only in take 2: openai POST /v1/chat/completions');
  });

  it('defaults to the two newest takes, and --json is one document', async () => {
    const r = await cassette(['diff', 'checkout', '--store', store, '--json'], tmp.dir);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: true, a: { episode: 'checkout', take: 2 }, b: { episode: 'checkout', take: 3 }, changed: 2 });
    expect(doc.steps[0]).toMatchObject({
      step: 1,
      changed: true,
      text: { a: 'Rainy and cold', b: 'Sunny' },
      tokens: { a: 21, b: 15, delta: -6 },
    });
    expect(doc.steps[0].request).toContain('model changed: "gpt-4o" → "gpt-4o-mini"');
    expect(doc.steps[2]).toMatchObject({ step: 3, only: 'a' });
  });

  it('two episodes: the take golden serves of each; identical recordings differ nowhere', async () => {
    const r = await cassette(['diff', 'checkout', 'other', '--store', store], tmp.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('diff "checkout" take 3 → "other" take 1: 0 of 2 steps differ');
  });

  it('refuses what it cannot compare', async () => {
    const one = await cassette(['diff', 'other', '--store', store, '--json'], tmp.dir);
    expect(one.code).toBe(1);
    expect(JSON.parse(one.stdout)).toMatchObject({ ok: false, error: { code: 'episode_not_found' } });
    expect((await cassette(['diff', 'checkout', '--take', '1', '--store', store], tmp.dir)).code).toBe(2);
    expect((await cassette(['diff', 'checkout', 'other', '--take', '1', '--take', '2', '--store', store], tmp.dir)).code).toBe(2);
    const unknown = await cassette(['diff', 'chekout', 'other', '--store', store], tmp.dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no episode "chekout"');
  });
});
