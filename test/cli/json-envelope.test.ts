// Issue 14 item 10: every `--json` prints exactly one `{ok, ...}` document on stdout, success and
// failure alike; `run --json` and `replay --json` send the command's own stdout to stderr, and
// `ok` never stands next to a failing exit code.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cassette, tempDir, writeStore } from './cli-helpers.js';
import { join } from 'node:path';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const noisyChild = [
  '--',
  process.execPath,
  '-e',
  'console.log(\'CHILD STDOUT\'); console.log(\'{"not":"ours"}\'); process.exit(Number(process.argv[1] ?? 0))',
];

describe('--json is one {ok, ...} document', () => {
  it('run --json: the command’s stdout goes to stderr, ok matches the exit code', async () => {
    const r = await cassette(['run', '--store', 'dir-store', '--json', ...noisyChild], tmp.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('CHILD STDOUT');
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({ ok: true, exitCode: 0, commandExitCode: 0, proxyOk: true, mode: 'golden', requests: 0 });

    const failing = await cassette(['run', '--store', 'dir-store', '--json', ...noisyChild, '3'], tmp.dir);
    expect(failing.code).toBe(3);
    expect(JSON.parse(failing.stdout)).toMatchObject({ ok: false, exitCode: 3, commandExitCode: 3, proxyOk: true });
  });

  it('replay --json with a command keeps the command’s stdout off stdout', async () => {
    const store = join(tmp.dir, 's.db');
    await writeStore(store, { ep: [[{ ask: 'hi' }]] });
    const r = await cassette(['replay', 'ep', '--store', store, '--json', ...noisyChild], tmp.dir);
    expect(r.stderr).toContain('CHILD STDOUT');
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, episodes: [{ episode: 'ep', ok: false }] });
  });

  it('ls, stats, show, verify, rm: an {ok} object on success and on failure', async () => {
    const store = join(tmp.dir, 's.db');
    await writeStore(store, { ep: [[{ ask: 'hi' }]] });
    for (const args of [['ls'], ['stats'], ['show', 'ep'], ['verify']]) {
      const r = await cassette([...args, '--store', store, '--json'], tmp.dir);
      expect(r.code, args.join(' ')).toBe(0);
      expect(JSON.parse(r.stdout), args.join(' ')).toMatchObject({ ok: true });
    }
    for (const args of [['ls'], ['stats'], ['show', 'ep'], ['rm', 'ep']]) {
      const r = await cassette([...args, '--store', join(tmp.dir, 'missing.db'), '--json'], tmp.dir);
      expect(r.code, args.join(' ')).toBe(3);
      expect(JSON.parse(r.stdout), args.join(' ')).toMatchObject({ ok: false, error: { code: 'store_unreadable' } });
    }
    const usage = await cassette(['ls', '--no-such-option', '--json'], tmp.dir);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toMatchObject({ ok: false, error: { code: 'bad_usage' } });
  });

  it('a --json after -- belongs to the command, not to cassette', async () => {
    const r = await cassette(['run', '--store', 'dir-store', '--', process.execPath, '-e', 'process.exit(4)', '--', '--json'], tmp.dir);
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
  });
});
