// Shared by the gate tests: a fake OpenAI upstream whose latency and answer text are set per run,
// and a child program that makes chat calls through `cassette run` (plain fetch, so it starts fast)
// and writes a JUnit report whose failures follow a plan, one run after another.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import type { FakeUpstream } from '../helpers/fake-upstream.js';
import { chatCompletion } from '../helpers/sut-child.js';
import { sendJson } from '../helpers/fake-upstream.js';

export interface UpstreamKnobs {
  /** Held before the answer's headers, ms. */
  latencyMs: number;
  /** The assistant's text. */
  answer: string;
  usage: { prompt_tokens: number; completion_tokens: number };
}

/** A fake OpenAI chat upstream on 127.0.0.1:0 answering after `knobs.latencyMs`; change the knobs between runs. */
export async function startKnobUpstream(knobs: UpstreamKnobs): Promise<FakeUpstream> {
  return startFakeUpstream({
    routes: [
      {
        answer: async (_req, res) => {
          const { latencyMs, answer, usage } = knobs;
          await sleep(latencyMs);
          sendJson(res, 200, chatCompletion({ content: answer, usage }));
        },
      },
    ],
  });
}

/**
 * Writes child.mjs into `dir`. Env: CHILD_CALLS (parallel calls, default 1), CHILD_STAGGER_MS (call n
 * starts n × this later), CHILD_PROMPT_FILE
 * (its text is the system prompt), CHILD_ASK (the user text), CHILD_JUNIT + CHILD_COUNTER +
 * CHILD_FAIL_PLAN (`{"test": [runs in which it fails]}`): the run number is kept in CHILD_COUNTER.
 */
export function writeGateChild(dir: string): string {
  const path = join(dir, 'child.mjs');
  writeFileSync(
    path,
    `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
const base = process.env.OPENAI_BASE_URL;
const calls = Number(process.env.CHILD_CALLS ?? 1);
const system = process.env.CHILD_PROMPT_FILE ? readFileSync(process.env.CHILD_PROMPT_FILE, 'utf8') : 'be brief';
const ask = process.env.CHILD_ASK ?? 'hello';
const stagger = Number(process.env.CHILD_STAGGER_MS ?? 0);
await Promise.all(Array.from({ length: calls }, async (_, n) => {
  await new Promise((r) => setTimeout(r, n * stagger));
  return fetch(base + '/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'system', content: system }, { role: 'user', content: ask + ' ' + n }] }),
  }).then((r) => r.text());
}));
if (process.env.CHILD_JUNIT) {
  const counter = process.env.CHILD_COUNTER;
  const run = existsSync(counter) ? Number(readFileSync(counter, 'utf8')) + 1 : 1;
  writeFileSync(counter, String(run));
  const plan = JSON.parse(process.env.CHILD_FAIL_PLAN ?? '{}');
  const cases = Object.entries(plan).map(([name, fails]) => fails.includes(run)
    ? '<testcase classname="suite" name="' + name + '" time="0.01"><failure message="boom">boom</failure></testcase>'
    : '<testcase classname="suite" name="' + name + '" time="0.01"/>');
  writeFileSync(process.env.CHILD_JUNIT, '<?xml version="1.0"?><testsuites><testsuite name="suite">' + cases.join('') + '</testsuite></testsuites>');
  if (cases.some((c) => c.includes('<failure'))) process.exitCode = 1;
}
`,
  );
  return path;
}
