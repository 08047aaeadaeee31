// Issue 14 item 15: import, export, verify and copy of a large store draw a progress bar on stderr
// when it is a terminal, and print nothing but their one-line summary when piped (CI logs) or with
// --json. The terminal case runs the real CLI under a pseudo-terminal with util-linux `script`.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROGRESS_MIN_TOTAL, progressWanted } from '../../src/cli/progress-bar.js';
import { cassette, tempDir, writeStore } from './cli-helpers.js';
import type { CallSpec } from './cli-helpers.js';

const BIN = new URL('../../bin/cassette.js', import.meta.url).pathname;
const SCRIPT = '/usr/bin/script';
const CALLS = 600; // above PROGRESS_MIN_TOTAL: a "large" job

let tmp: ReturnType<typeof tempDir>;
let store: string;
beforeAll(async () => {
  tmp = tempDir();
  store = join(tmp.dir, 'big.db');
  const takes: CallSpec[][] = Array.from({ length: 6 }, () => Array.from({ length: CALLS / 6 }, (_, n) => ({ ask: `q${n}` })));
  await writeStore(store, { big: takes });
}, 60_000);
afterAll(() => tmp.cleanup());

/** Runs the CLI with stdin, stdout and stderr on a pseudo-terminal; returns everything it wrote. */
function underPty(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve) => {
    execFile(
      SCRIPT,
      ['-q', '-e', '-c', command, '/dev/null'],
      { cwd, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '', TERM: 'xterm', COLUMNS: '120' } },
      (err, stdout) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 99) : 0, output: stdout }),
    );
  });
}

describe('progress of long commands', () => {
  it('says nothing but the summary line when stderr is not a terminal', async () => {
    const out = join(tmp.dir, 'export-piped');
    const r = await cassette(['export', out, '--store', store], tmp.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(`exported 1 episodes, 6 takes, ${CALLS} interactions to ${out}\n`);
    const v = await cassette(['verify', '--store', store], tmp.dir);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stderr.trim().split('\n')).toHaveLength(1);
    expect(v.stderr).not.toMatch(/verifying|\r/);
  });

  it.skipIf(!existsSync(SCRIPT))('draws a bar on a terminal, then the summary line', async () => {
    const out = join(tmp.dir, 'export-tty');
    const r = await underPty(['export', out, '--store', store], tmp.dir);
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(new RegExp(`exporting \\[.*\\] \\d+/${CALLS} interactions`));
    expect(r.output).toContain(`exported 1 episodes, 6 takes, ${CALLS} interactions to ${out}`);
    const into = join(tmp.dir, 'imported.db');
    const i = await underPty(['import', out, '--store', into], tmp.dir);
    expect(i.code, i.output).toBe(0);
    expect(i.output).toMatch(new RegExp(`importing \\[.*\\] \\d+/${CALLS} interactions`));
    const v = await underPty(['verify', '--store', store], tmp.dir);
    expect(v.code, v.output).toBe(0);
    expect(v.output).toMatch(new RegExp(`verifying \\[.*\\] \\d+/${CALLS} interactions`));
    // --quiet on a terminal: neither the bar nor the summary line.
    const q = await underPty(['export', join(tmp.dir, 'export-quiet'), '--store', store, '--quiet'], tmp.dir);
    expect(q.code, q.output).toBe(0);
    expect(q.output.trim()).toBe('');
    // --json on a terminal: the one document, no bar.
    const j = await underPty(['verify', '--store', store, '--json'], tmp.dir);
    expect(j.output).not.toContain('verifying [');
    expect(JSON.parse(j.output.trim())).toMatchObject({ ok: true });
  });

  it.skipIf(!existsSync(SCRIPT))('a small job on a terminal gets no bar', async () => {
    const small = join(tmp.dir, 'small.db');
    await writeStore(small, { s: [[{ ask: 'one' }]] });
    const r = await underPty(['export', join(tmp.dir, 'small-out'), '--store', small], tmp.dir);
    expect(r.code, r.output).toBe(0);
    expect(r.output).not.toContain('exporting [');
    expect(r.output).toContain('exported 1 episodes, 1 takes, 1 interactions');
  });
});

describe('when a bar is drawn', () => {
  it('only on a terminal, never with --json or --quiet, and only for a large job', () => {
    const big = PROGRESS_MIN_TOTAL;
    expect(progressWanted({ tty: true, json: false, quiet: false, total: big })).toBe(true);
    expect(progressWanted({ tty: false, json: false, quiet: false, total: big })).toBe(false);
    expect(progressWanted({ tty: true, json: true, quiet: false, total: big })).toBe(false);
    expect(progressWanted({ tty: true, json: false, quiet: true, total: big })).toBe(false);
    expect(progressWanted({ tty: true, json: false, quiet: false, total: big - 1 })).toBe(false);
    expect(progressWanted({ tty: true, json: false, quiet: false, total: 20, minTotal: 20 })).toBe(true);
  });
});
