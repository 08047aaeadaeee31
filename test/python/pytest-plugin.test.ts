// Runs the Python suite of the pytest plugin (python/tests: the sample project recorded and
// replayed through the real CLI, every record mode and TEST_MODE, -n 4) with the Debian
// interpreter that .ci/run provides packages for. Skips only where there is no python3 at all.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NEEDED = 'import pytest, xdist, httpx, requests, aiohttp';

/** The first interpreter with the packages; else whether any python3 exists at all. */
function findPython(): { python?: string; found: string[] } {
  const found: string[] = [];
  for (const candidate of [process.env.CASSETTE_PYTHON, '/usr/bin/python3', 'python3']) {
    if (!candidate) continue;
    const probe = spawnSync(candidate, ['-c', NEEDED], { encoding: 'utf8' });
    if (probe.error) continue;
    found.push(candidate);
    if (probe.status === 0) return { python: candidate, found };
  }
  return { found };
}

const { python, found } = findPython();
if (found.length === 0) console.warn('SKIPPED python/tests: no python3 on this machine (the pytest plugin is not tested here)');

describe.skipIf(found.length === 0)('pytest plugin (python/tests)', () => {
  it('the Python suite passes', { timeout: 1_200_000 }, async () => {
    expect(
      python,
      `python3 (${found.join(', ')}) lacks pytest, pytest-xdist, httpx, requests or aiohttp: run the apt-get line of .ci/run`,
    ).toBeDefined();
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (/^(CASSETTE_|TEST_MODE$|OPENAI_|ANTHROPIC_|GOOGLE_|GEMINI_|OPENROUTER_|PYTEST_|NODE_OPTIONS$)/.test(k)) continue;
      env[k] = v;
    }
    env.PYTHONDONTWRITEBYTECODE = '1';
    const args = ['-m', 'pytest', join(REPO, 'python', 'tests'), '-p', 'no:llm_cassette', '-p', 'no:cacheprovider', '-q', '-rfE'];
    const child = spawn(python as string, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code, output.slice(-6000)).toBe(0);
    expect(output).toMatch(/\d+ passed/);
  });
});
