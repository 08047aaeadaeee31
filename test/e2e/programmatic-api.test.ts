// The programmatic API (README "Programmatic use"): `startCassette` from the package entry point
// records an episode in live mode and replays it in golden mode, with `summary()` counting hits,
// misses and unused recordings; and the shipped vitest example (examples/vitest/) runs as a user
// would run it: a nested vitest process whose setup file imports 'llm-cassette-proxy' by the package's
// own name (Node's self-reference through package.json "exports", resolving to dist/index.js).
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCassette } from '../../src/index.js';
import type { Cassette, StartCassetteOptions } from '../../src/index.js';
import { defer, tempDir, tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { cliEnv, REPO_DIR } from '../helpers/proxy.js';
import { errorOf, settle } from '../helpers/record-replay.js';
import { chatCompletion, chatHandler, lastUserText } from '../helpers/sut-child.js';
import OpenAI from 'openai';

useCleanup();

async function start(options: StartCassetteOptions): Promise<Cassette> {
  const cassette = await startCassette(options);
  defer(() => cassette.stop());
  return cassette;
}

const ask = (cassette: Cassette, content: string) =>
  new OpenAI({ apiKey: 'sk-test', baseURL: cassette.env.OPENAI_BASE_URL, maxRetries: 0 }).chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content }],
  });

describe('startCassette', () => {
  it('records episode t1 live, then golden replays it and summary() counts hits, misses and unused', async () => {
    const upstream = await startFakeUpstream(chatHandler((req) => ({ content: `echo: ${lastUserText(req)}` })));
    const store = tempStore();

    const live = await start({ mode: 'live', store, upstreams: { openai: upstream.url } });
    expect(live.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(live.env).toMatchObject({ OPENAI_BASE_URL: `${live.url}/openai/v1`, ANTHROPIC_BASE_URL: `${live.url}/anthropic` });
    live.setEpisode('t1');
    expect((await ask(live, 'first question')).choices[0]?.message.content).toBe('echo: first question');
    expect((await ask(live, 'second question')).choices[0]?.message.content).toBe('echo: second question');
    expect(live.summary()).toMatchObject({ ok: true, mode: 'live', requests: 2, recorded: 2, hits: 0, misses: 0 });
    await live.stop();
    await upstream.stop();
    expect(upstream.requests).toHaveLength(2);

    const golden = await start({ mode: 'golden', store });
    golden.setEpisode('t1');
    expect((await ask(golden, 'first question')).choices[0]?.message.content).toBe('echo: first question');
    const miss = errorOf(await settle(() => ask(golden, 'a question never recorded')), 'unrecorded question') as {
      status: number;
      message: string;
    };
    expect(miss.status).toBe(404);
    expect(miss.message).toContain('cassette miss in episode "t1"');

    const s = golden.summary();
    expect(s).toMatchObject({ ok: false, mode: 'golden', requests: 2, hits: 1, misses: 1, recorded: 0 });
    expect(s.missList).toHaveLength(1);
    expect(s.missList[0]).toMatchObject({ episode: 't1', provider: 'openai', method: 'POST', path: '/v1/chat/completions' });
    expect(s.unused).toHaveLength(1);
    expect(s.unused[0]).toMatchObject({ episode: 't1', position: 2, provider: 'openai', path: '/v1/chat/completions' });
    // Golden counts what it did not spend.
    expect(s.saved.calls).toBe(1);
    expect(s.saved.tokens).toBe(chatCompletion().usage.total_tokens);
  });

  it('setEpisode starts an episode afresh and rejects an invalid id', async () => {
    const upstream = await startFakeUpstream(chatHandler(() => ({ content: 'fine' })));
    const store = tempStore();
    const live = await start({ mode: 'live', store, upstreams: { openai: upstream.url }, episode: 'e1' });
    await ask(live, 'hello');
    await live.stop();

    const golden = await start({ mode: 'golden', store, strict: true });
    golden.setEpisode('e1');
    await ask(golden, 'hello');
    // Strict: a second identical call is past the recordings…
    expect((errorOf(await settle(() => ask(golden, 'hello')), 'second call') as { status: number }).status).toBe(404);
    // …until the episode is chosen again, which forgets what was served of it.
    golden.setEpisode('e1');
    expect((await ask(golden, 'hello')).choices[0]?.message.content).toBe('fine');
    expect(() => golden.setEpisode('not a valid id')).toThrow(/invalid episode id/);
  });
});

/** Runs the repository's vitest on examples/vitest/ in a temp working directory; resolves with its outcome. */
function runExample(cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const config = join(cwd, 'vitest.config.mjs');
  writeFileSync(
    config,
    `export default {
  cacheDir: ${JSON.stringify(join(cwd, '.vite'))},
  test: {
    root: ${JSON.stringify(cwd)},
    dir: ${JSON.stringify(join(REPO_DIR, 'examples', 'vitest'))},
    include: ['**/*.test.ts'],
    setupFiles: [${JSON.stringify(join(REPO_DIR, 'examples', 'vitest', 'cassette-setup.ts'))}],
    pool: 'forks',
  },
};
`,
  );
  // The nested vitest must not think it is a worker of this one.
  const base = cliEnv(env);
  for (const k of Object.keys(base)) if (/^VITEST/.test(k) || k === 'NODE_ENV') delete base[k];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_DIR, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', config],
      { cwd, env: base, timeout: 30_000, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : null) : 0;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

describe('examples/vitest', () => {
  it('records the example test with CASSETTE_MODE=live, then replays it in golden with no upstream', async () => {
    const upstream = await startFakeUpstream(chatHandler(() => ({ content: 'Hello!' })));
    const cwd = tempDir();

    const record = await runExample(cwd, { CASSETTE_MODE: 'live', CASSETTE_UPSTREAM_OPENAI: upstream.url, OPENAI_API_KEY: 'sk-test' });
    expect(record.code, record.output).toBe(0);
    expect(record.output).toMatch(/1 passed/);
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]?.json).toMatchObject({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello in one word.' }],
    });
    // The setup file's store is the directory `cassettes/` of the working directory, one episode per test.
    expect(existsSync(join(cwd, 'cassettes'))).toBe(true);
    expect(readdirSync(join(cwd, 'cassettes'))).toContain('answers-a-one-word-greeting');
    await upstream.stop();

    const replay = await runExample(cwd, {});
    expect(replay.code, replay.output).toBe(0);
    expect(replay.output).toMatch(/1 passed/);
    expect(upstream.connections).toBe(1);
  });
});
