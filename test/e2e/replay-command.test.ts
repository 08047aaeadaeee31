// `cassette replay EPISODE... -- CMD` (SPEC §7, docs/cli.md): golden and strict by default. A child
// program using the real openai SDK records episode ep1 (three calls) through `cassette run --mode
// live`, then is replayed as it is (exit 0), with a call left out (the unused recording is named),
// with a changed prompt (the miss says what differs), out of order (a divergence), relaxed with
// --no-strict, and per episode with --batch (an unknown episode fails). --json is one document.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDeferred, tempDir } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { runCli } from '../helpers/proxy.js';
import { chatHandler, lastUserText, writeOpenAIChild } from '../helpers/sut-child.js';

const PROMPTS = ['What is the capital of France?', 'Name a prime number above 10.', 'Spell "cassette" backwards.'];
const answerTo = (prompt: string): string => `answer #${PROMPTS.indexOf(prompt) + 1} to ${prompt}`;

let dir: string;
let child: string;
let store: string;

// One recording shared by every case: the replays only read the store (golden never writes), so
// they run concurrently.
beforeAll(async () => {
  dir = tempDir();
  child = writeOpenAIChild(dir);
  store = join(dir, 'X.db');
  const upstream = await startFakeUpstream(chatHandler((req) => ({ content: answerTo(lastUserText(req)) })));
  const live = await runCli(
    [
      'run',
      '--mode',
      'live',
      '--episode',
      'ep1',
      '--store',
      store,
      '--upstream',
      `openai=${upstream.url}`,
      '--',
      'node',
      child,
      ...PROMPTS,
    ],
    { cwd: dir },
  );
  expect(live.code, live.stderr).toBe(0);
  expect(live.stderr).toMatch(/cassette live: 3 requests — 0 hits, 0 misses, 3 recorded/);
  for (const p of PROMPTS) expect(live.stderr).toContain(`CHILD ANSWER ${answerTo(p)}`);
  expect(upstream.requests.map(lastUserText)).toEqual(PROMPTS);
  await upstream.stop();
  // tempDir registered its removal with the shared teardown list: run it once the file is done.
  return () => runDeferred();
});

const replay = (args: string[], prompts: string[]) =>
  runCli(['replay', ...args, '--store', store, '--', 'node', child, ...prompts], { cwd: dir });
const jsonOf = (stdout: string): any => JSON.parse(stdout);

describe.concurrent('cassette replay EPISODE -- CMD', () => {
  it('the unchanged program replays the whole episode: exit 0, every recording served', async () => {
    const r = await replay(['ep1', '--json'], PROMPTS);
    expect(r.code, r.stderr).toBe(0);
    for (const p of PROMPTS) expect(r.stderr).toContain(`CHILD ANSWER ${answerTo(p)}`);
    // The child ran scoped to the episode.
    expect(r.stderr).toMatch(/CHILD EPISODE ep1 http:\/\/127\.0\.0\.1:\d+\/episodes\/ep1\/openai\/v1/);
    expect(r.stderr).toMatch(/ok +episode "ep1": 3\/3 recordings served, 0 misses, 0 unused/);
    // stdout is exactly one JSON document.
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(jsonOf(r.stdout)).toEqual({
      ok: true,
      episodes: [{ episode: 'ep1', ok: true, recordings: 3, served: 3, misses: [], unused: [], exitCode: 0 }],
    });
  });

  it('a program that makes only 2 of the 3 calls fails: the unused recording (step 3) is reported', async () => {
    const r = await replay(['ep1', '--json'], PROMPTS.slice(0, 2));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/FAIL episode "ep1": 2\/3 recordings served, 0 misses, 1 unused/);
    expect(r.stderr).toContain('unused: step 3: openai POST /v1/chat/completions');
    const report = jsonOf(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.episodes).toHaveLength(1);
    expect(report.episodes[0]).toMatchObject({
      episode: 'ep1',
      ok: false,
      recordings: 3,
      served: 2,
      misses: [],
      unused: ['step 3: openai POST /v1/chat/completions'],
    });
  });

  it('--no-strict accepts the program that leaves a recording unused (still named)', async () => {
    const r = await replay(['ep1', '--no-strict', '--json'], PROMPTS.slice(0, 2));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('unused (not strict): step 3: openai POST /v1/chat/completions');
    expect(jsonOf(r.stdout)).toMatchObject({
      ok: true,
      episodes: [{ episode: 'ep1', ok: true, served: 2, unused: ['step 3: openai POST /v1/chat/completions'] }],
    });
  });

  it('a changed prompt is a miss whose explanation names the nearest recording and what differs', async () => {
    const changed = [PROMPTS[0], 'Name a prime number above 20.', PROMPTS[2]] as string[];
    const r = await replay(['ep1', '--json'], changed);
    expect(r.code, r.stderr).toBe(1);
    // The SDK surfaced the proxy's message without retrying.
    expect(r.stderr).toMatch(/CHILD ERROR 404 .*cassette miss in episode "ep1"/);
    const report = jsonOf(r.stdout);
    expect(report.ok).toBe(false);
    const ep = report.episodes[0];
    expect(ep.misses).toHaveLength(1);
    const miss: string = ep.misses[0];
    expect(miss).toContain('no recording of openai POST /v1/chat/completions');
    expect(miss).toContain('Nearest recording: step 2');
    expect(miss).toMatch(/message 1 \(user\) differs: "[^"]*above 10\." → "[^"]*above 20\."/);
    // The recording the changed call should have used stays unused.
    expect(ep.unused).toEqual(['step 2: openai POST /v1/chat/completions']);
    expect(r.stderr).toContain('miss: cassette miss in episode "ep1"');
  });

  it('calls in another order are all hits but diverge from the recording: exit 1 with a step report', async () => {
    const reordered = [PROMPTS[1], PROMPTS[0], PROMPTS[2]] as string[];
    const r = await replay(['ep1', '--json'], reordered);
    expect(r.code, r.stderr).toBe(1);
    // Every answer was still the recorded one for its prompt.
    for (const p of PROMPTS) expect(r.stderr).toContain(`CHILD ANSWER ${answerTo(p)}`);
    const ep = jsonOf(r.stdout).episodes[0];
    expect(ep).toMatchObject({ ok: false, misses: [], unused: [], served: 3 });
    expect(ep.divergence).toMatch(
      /^step 1: expected a call to openai POST \/v1\/chat\/completions .*\(recorded step 1\); got openai POST \/v1\/chat\/completions .*\(recorded step 2\)$/,
    );
    expect(r.stderr).toMatch(/diverged: step 1: expected a call to openai POST/);
  });
});

describe.concurrent('cassette replay --batch FILE -- CMD', () => {
  it('runs the program once per listed episode with CASSETTE_EPISODE set; an unknown episode fails', async () => {
    const batch = join(dir, 'episodes.txt');
    writeFileSync(batch, '# episodes to replay\n\nep1\n  \nnot-recorded\n');
    const r = await runCli(['replay', '--batch', batch, '--store', store, '--json', '--', 'node', child, ...PROMPTS], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/CHILD EPISODE ep1 http:\/\/127\.0\.0\.1:\d+\/episodes\/ep1\/openai\/v1/);
    const report = jsonOf(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.episodes.map((e: any) => [e.episode, e.ok])).toEqual([
      ['ep1', true],
      ['not-recorded', false],
    ]);
    expect(report.episodes[0]).toMatchObject({ recordings: 3, served: 3, misses: [], unused: [], exitCode: 0 });
    expect(report.episodes[1]).toMatchObject({ recordings: 0, served: 0 });
    expect(report.episodes[1].error).toContain('episode "not-recorded" has no recordings');
    expect(r.stderr).toMatch(/FAIL episode "not-recorded"/);
    expect(r.stderr).toMatch(/ok +episode "ep1"/);
  });

  it('every episode of the file known and replayed as recorded: exit 0', async () => {
    const batch = join(dir, 'only-ep1.txt');
    writeFileSync(batch, 'ep1\n# done\n');
    const r = await runCli(['replay', '--batch', batch, '--store', store, '--', 'node', child, ...PROMPTS], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    // Without --json nothing but the child's talk and the report: stdout is empty.
    expect(r.stdout).toBe('');
  });
});
