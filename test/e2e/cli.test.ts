// The CLI as users run it (`node bin/cassette.js`): `serve --json` announces itself in exactly
// one JSON line and stops cleanly on SIGTERM; `run` wraps a command that uses the openai SDK via
// OPENAI_BASE_URL, passes its exit code through, prints a summary, and fails on a golden miss;
// the mode comes from --mode, CASSETTE_MODE or TEST_MODE.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { loadOptions } from '../../src/config/load-config.js';
import { tempDir, tempStore, useCleanup } from '../helpers/cleanup.js';
import { corpus, responseJson } from '../helpers/corpus.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { runCli, spawnCli } from '../helpers/proxy.js';

useCleanup();

describe('cassette serve --json', () => {
  it('prints exactly one JSON line once it accepts connections, and exits 0 on SIGTERM', async () => {
    const store = tempStore();
    const cli = spawnCli(['serve', '--json', '--port', '0', '--mode', 'golden', '--store', store]);
    const line = await cli.firstLine();
    const ready = JSON.parse(line);
    expect(ready).toMatchObject({ ok: true, mode: 'golden', store, port: expect.any(Number) });
    expect(ready.port).toBeGreaterThan(0);
    expect(ready.url).toBe(`http://127.0.0.1:${ready.port}`);
    expect(ready.env).toMatchObject({
      OPENAI_BASE_URL: `${ready.url}/openai/v1`,
      ANTHROPIC_BASE_URL: `${ready.url}/anthropic`,
      GOOGLE_GEMINI_BASE_URL: `${ready.url}/gemini`,
      OPENROUTER_BASE_URL: `${ready.url}/openrouter/v1`,
    });
    // Accepting as soon as the line is out.
    const health = await fetch(`${ready.url}/__cassette/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, mode: 'golden' });

    await sleep(200);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.stdout()).toBe(`${line}\n`);
  });
});

describe('cassette run', () => {
  const openaiEntry = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('openai')
      .replace(/index\.js$/, 'index.mjs'),
  ).href;

  /** A SUT: asks one question through the openai SDK (base URL from OPENAI_BASE_URL), exits with argv[3]. */
  function writeChild(dir: string): string {
    const path = join(dir, 'child.mjs');
    writeFileSync(
      path,
      `import OpenAI from ${JSON.stringify(openaiEntry)};
const [prompt, code] = process.argv.slice(2);
const client = new OpenAI({ maxRetries: 0 });
try {
  const r = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: prompt }] });
  console.log('ANSWER ' + r.choices[0].message.content);
} catch (e) {
  console.error('CHILD ERROR ' + e.status + ' ' + e.message);
}
process.exit(Number(code));
`,
    );
    return path;
  }

  it('records in live, passes the exit code through, then fails a golden run whose command changed', async () => {
    const recorded = corpus('openai/chat-completions-basic.json');
    const upstream = await startFakeUpstream(recorded);
    const dir = tempDir();
    const child = writeChild(dir);
    const store = join(dir, 'cassettes.db');
    const env = { OPENAI_API_KEY: 'sk-test-run-key' };
    const answer = `ANSWER ${responseJson(recorded).choices[0].message.content}`;

    const live = await runCli(
      ['run', '--mode', 'live', '--store', store, '--upstream', `openai=${upstream.url}`, '--', 'node', child, 'What is 4200 + 42?', '0'],
      { env, cwd: dir },
    );
    expect(live.code, live.stderr).toBe(0);
    expect(live.stdout).toContain(answer);
    expect(live.stderr).toMatch(/cassette live: 1 requests — 0 hits, 0 misses, 1 recorded/);
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]?.headers.authorization).toBe('Bearer sk-test-run-key');
    await upstream.stop();

    // Same command in golden: a hit; the command's own exit code comes back.
    const passthrough = await runCli(['run', '--mode', 'golden', '--store', store, '--', 'node', child, 'What is 4200 + 42?', '7'], {
      env,
      cwd: dir,
    });
    expect(passthrough.code, passthrough.stderr).toBe(7);
    expect(passthrough.stdout).toContain(answer);
    expect(passthrough.stderr).toMatch(/cassette golden: 1 requests — 1 hits, 0 misses/);

    // A changed command: the SDK surfaces the miss, the command exits 0, run exits 1.
    const changed = await runCli(['run', '--mode', 'golden', '--store', store, '--', 'node', child, 'What is 4200 + 43?', '0'], {
      env,
      cwd: dir,
    });
    expect(changed.code, changed.stderr).toBe(1);
    expect(changed.stderr).toContain('CHILD ERROR 404');
    expect(changed.stderr).toMatch(/1 requests — 0 hits, 1 misses/);
    expect(changed.stderr).toMatch(/miss: cassette miss in episode "default": no recording of openai POST \/v1\/chat\/completions/);
    expect(changed.stderr).toContain('differs: message 1 (user) differs: "… is 4200 + 42?" → "… is 4200 + 43?"');
  });
});

describe('mode selection', () => {
  const modeOf = async (env: NodeJS.ProcessEnv, args: string[] = []): Promise<string> => {
    const cli = spawnCli(['serve', '--json', '--port', '0', '--store', tempStore(), ...args], { env });
    const mode = (JSON.parse(await cli.firstLine()) as { mode: string }).mode;
    cli.child.kill('SIGTERM');
    await cli.exited;
    return mode;
  };

  it('the CLI reads TEST_MODE, then CASSETTE_MODE over it, then --mode over both', async () => {
    const [fromTestMode, fromCassetteMode, fromFlag, fallback] = await Promise.all([
      modeOf({ TEST_MODE: 'LIVE' }),
      modeOf({ TEST_MODE: 'LIVE', CASSETTE_MODE: 'record-missing' }),
      modeOf({ TEST_MODE: 'LIVE', CASSETTE_MODE: 'record-missing' }, ['--mode', 'passthrough']),
      modeOf({}),
    ]);
    expect({ fromTestMode, fromCassetteMode, fromFlag, fallback }).toEqual({
      fromTestMode: 'live',
      fromCassetteMode: 'record-missing',
      fromFlag: 'passthrough',
      fallback: 'golden',
    });
  });

  it('maps every TEST_MODE value and refuses unknown ones with exit 2', async () => {
    const table = { GOLDEN: 'golden', LIVE: 'live', LIVE_SMOKE: 'smoke', MOCK: 'mock' };
    for (const [value, mode] of Object.entries(table)) expect((await loadOptions({}, { TEST_MODE: value }, tempDir())).mode).toBe(mode);
    const bad = await runCli(['serve', '--port', '0'], { env: { TEST_MODE: 'REPLAY' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('TEST_MODE=REPLAY');
  });
});
