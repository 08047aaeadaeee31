// Runs small scripts against the BUILT store (dist/) in child processes. Not a test file.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
export const BUILT_OPEN_STORE = join(ROOT, 'dist/store/open-store.js');

/** Throws unless dist/ holds an up-to-date build of open-store.js and everything it imports. */
export function assertFreshBuild(): void {
  const seen = new Set<string>();
  const visit = (js: string): void => {
    if (seen.has(js)) return;
    seen.add(js);
    if (!existsSync(js)) throw new Error(`${js} is missing: run \`npm run build\` (or npx tsc -p .) before these tests`);
    const ts = join(ROOT, 'src', js.slice(join(ROOT, 'dist').length).replace(/\.js$/, '.ts'));
    if (existsSync(ts) && statSync(ts).mtimeMs > statSync(js).mtimeMs)
      throw new Error(`${js} is older than ${ts}: run \`npm run build\` first`);
    for (const m of readFileSync(js, 'utf8').matchAll(/from '(\.{1,2}\/[^']+\.js)'/g)) visit(resolve(dirname(js), m[1] as string));
  };
  visit(BUILT_OPEN_STORE);
}

/** Writes an ES module that imports `openStore` from the build, with `body` after the import. */
export function writeScript(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  const prelude = `import { existsSync } from 'node:fs';
import { openStore } from ${JSON.stringify(BUILT_OPEN_STORE)};
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const interaction = (episode, tag, k, position) => ({
  episode, take: 0, position, provider: 'openai', family: 'openai', key: tag + '-' + k, keyVersion: 1, occurrence: 1,
  request: { method: 'POST', path: '/v1/chat/completions', query: [], headers: {}, body: { kind: 'json', json: { tag, k } } },
  response: { status: 200, headers: {}, body: { kind: 'json', json: { answer: tag + ':' + k } } },
  complete: true, timings: { ttfbMs: 1, totalMs: 2 }, recordedAt: new Date().toISOString(), productVersion: 'test',
});
`;
  writeFileSync(path, prelude + body);
  return path;
}

export function startChild(script: string, args: readonly string[]): ChildProcess {
  return spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Waits for a child to exit; resolves with its exit code and output. */
export function finished(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((done) => child.on('close', (code, signal) => done({ code, signal, stdout, stderr })));
}

/** Resolves once the child printed `text`. */
export function printed(child: ChildProcess, text: string): Promise<void> {
  return new Promise((done, fail) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(text)) done();
    });
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => fail(new Error(`child exited (${code}) before printing ${text}: ${err.slice(-2000)}`)));
  });
}
