// Issue 14 item 11: a command refuses options it does not use (replay used to accept and ignore
// --mode, --episode, --seed), and each command's --help lists its own options with one example.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cassette, tempDir } from './cli-helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('options a command does not use', () => {
  it('replay refuses --mode, --episode and --seed with exit 2 (and a bad_usage document with --json)', async () => {
    for (const option of [
      ['--mode', 'live'],
      ['--episode', 'x'],
      ['--seed', '3'],
    ]) {
      const r = await cassette(['replay', 'ep', ...option, '--json'], tmp.dir);
      expect(r.code, option[0]).toBe(2);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'bad_usage' } });
      expect(r.stderr).toContain(`unknown option '${option[0]}'`);
    }
  });

  it('replay --help shows none of them, and every command ends its help with an example', async () => {
    const replay = await cassette(['replay', '--help'], tmp.dir);
    expect(replay.code).toBe(0);
    expect(replay.stdout).not.toMatch(/(^|\s)--(mode|episode|seed)\b/m);
    expect(replay.stdout).toContain('Example:\n  $ cassette replay checkout -- npm test');
    for (const command of [
      ['serve'],
      ['run'],
      ['ls'],
      ['show'],
      ['rm'],
      ['prune'],
      ['stats'],
      ['export'],
      ['import'],
      ['verify'],
      ['contract', 'check'],
      ['contract', 'update'],
    ]) {
      const r = await cassette([...command, '--help'], tmp.dir);
      expect(r.code, command.join(' ')).toBe(0);
      expect(r.stdout, command.join(' ')).toMatch(new RegExp(`\\nExample:\\n  \\$ (\\S+=\\S+ )?cassette ${command.join(' ')}`));
    }
  }, 60_000);
});
