// Vitest globalSetup: builds dist/ (the CLI runs from it) once before any test file starts.
// Skipped when every src/**/*.ts already has a dist/**/*.js at least as new, so a run right after
// `npx tsc -p .` does not pay for a second compile.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield path;
  }
}

function distIsFresh(): boolean {
  const inputs = [join(REPO, 'tsconfig.json'), join(REPO, 'package.json')];
  const newestInput = Math.max(...inputs.map((p) => statSync(p).mtimeMs));
  for (const src of sources(join(REPO, 'src'))) {
    const out = join(REPO, 'dist', relative(join(REPO, 'src'), src)).replace(/\.ts$/, '.js');
    if (!existsSync(out)) return false;
    const built = statSync(out).mtimeMs;
    if (built < statSync(src).mtimeMs || built < newestInput) return false;
  }
  return true;
}

/** The browser bundle (scripts/build-ui.mjs) is older than a file of web/ or src/ui/shared/. */
function uiBundleIsFresh(): boolean {
  const bundle = join(REPO, 'dist', 'ui-assets', 'app.js');
  if (!existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  for (const dir of [join(REPO, 'web'), join(REPO, 'src', 'ui', 'shared')]) {
    for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && statSync(join(entry.parentPath, entry.name)).mtimeMs > built) return false;
    }
  }
  return true;
}

export default function setup(): void {
  if (!uiBundleIsFresh()) execFileSync(process.execPath, [join(REPO, 'scripts', 'build-ui.mjs')], { cwd: REPO, stdio: 'pipe' });
  if (distIsFresh()) return;
  const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
  const started = Date.now();
  try {
    execFileSync(process.execPath, [tsc, '-p', '.'], { cwd: REPO, stdio: 'pipe' });
    process.stderr.write(`global-setup: dist/ was older than src/, rebuilt in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (err) {
    // tsc still emits on type errors; say so loudly, and stop only when there is nothing to run.
    const output = String((err as { stdout?: Buffer }).stdout ?? '') + String((err as { stderr?: Buffer }).stderr ?? '');
    process.stderr.write(`global-setup: tsc reported errors (dist/ was still emitted):\n${output}\n`);
    if (!existsSync(join(REPO, 'dist', 'cli', 'main.js'))) throw new Error(`build failed, dist/cli/main.js missing:\n${output}`);
  }
}
