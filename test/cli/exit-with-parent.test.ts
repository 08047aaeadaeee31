// Issue 14 item 13: `serve --exit-with-parent` stops when its stdin (a pipe) closes or when the
// process that started it exits, and `serve` prints the run summary when it stops.
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from './cli-helpers.js';

const BIN = new URL('../../bin/cassette.js', import.meta.url).pathname;
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('serve --exit-with-parent', () => {
  it('stops when stdin closes and prints the summary', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--store', 's.db', '--json', '--exit-with-parent'], {
      cwd: tmp.dir,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    while (!stdout.includes('\n')) await new Promise((r) => setTimeout(r, 50));
    const { url } = JSON.parse(stdout) as { url: string };
    expect((await fetch(`${url}/__cassette/health`)).ok).toBe(true);
    child.stdin.end();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(stderr).toMatch(/^cassette golden: \d+ requests — /m);
  }, 30_000);

  it('stops when the process that started it exits', async () => {
    // A parent that starts the proxy (stdin from /dev/null, as a backgrounded job), prints its pid, then exits.
    const parent = spawn(
      process.execPath,
      [
        '-e',
        `const { spawn } = require('node:child_process');
const c = spawn(process.execPath, [${JSON.stringify(BIN)}, 'serve', '--port', '0', '--store', 's.db', '--exit-with-parent'], { stdio: ['ignore', 'ignore', 'ignore'], detached: true });
console.log(c.pid);
setTimeout(() => process.exit(0), 1500);`,
      ],
      { cwd: tmp.dir, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    parent.stdout.on('data', (d: Buffer) => (out += d));
    await new Promise((resolve) => parent.once('exit', resolve));
    const pid = Number(out.trim());
    expect(pid).toBeGreaterThan(0);
    const deadline = Date.now() + 8_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const stillAlive = alive(pid);
    if (stillAlive) process.kill(pid, 'SIGKILL');
    expect(stillAlive).toBe(false);
  }, 30_000);
});
