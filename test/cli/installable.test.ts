// Issue 14 item 2: a user can add the package to their own project. The package name must be one
// we own on npm (`llm-cassette` and `cassette` belong to others), the `cassette` command stays,
// the packed tarball carries what the README's first test imports, and the README's first test
// is the shipped example, word for word.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {
  name: string;
  bin: Record<string, string>;
  allowScripts?: Record<string, boolean>;
};

function npmPackDryRun(): Promise<{ name: string; files: { path: string }[] }> {
  return new Promise((resolve, reject) => {
    execFile('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: ROOT }, (err, stdout) => {
      if (err) reject(err);
      else resolve((JSON.parse(stdout) as { name: string; files: { path: string }[] }[])[0]!);
    });
  });
}

describe('the package a user installs', () => {
  it('is named llm-cassette-proxy, keeps the cassette command and approves better-sqlite3 install script', () => {
    expect(pkg.name).toBe('llm-cassette-proxy');
    expect(pkg.bin).toEqual({ cassette: 'bin/cassette.js' });
    expect(pkg.allowScripts?.['better-sqlite3']).toBe(true);
  });

  it('packs the entry point, the bin and the docs', async () => {
    const packed = await npmPackDryRun();
    expect(packed.name).toBe('llm-cassette-proxy');
    const paths = packed.files.map((f) => f.path);
    for (const p of ['bin/cassette.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'README.md']) expect(paths).toContain(p);
    expect(paths.some((p) => p.startsWith('test/') || p.startsWith('src/'))).toBe(false);
  }, 60_000);

  it('README: install lines use the package name, and its first test is examples/vitest/weather.test.ts', () => {
    const readme = readFileSync(`${ROOT}README.md`, 'utf8');
    expect(readme).toContain('npm install --save-dev llm-cassette-proxy');
    expect(readme).toContain("import { startCassette } from 'llm-cassette-proxy';");
    expect(readme).not.toMatch(/from 'llm-cassette'/);
    const example = readFileSync(`${ROOT}examples/vitest/weather.test.ts`, 'utf8').split('\n').slice(1).join('\n').trim();
    expect(readme).toContain(example);
    expect(readFileSync(`${ROOT}examples/vitest/cassette-setup.ts`, 'utf8')).toContain("from 'llm-cassette-proxy'");
  });
});
