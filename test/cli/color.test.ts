// Issue 14 item 16: human output is coloured (green ok, red failure/CHANGED, yellow warning, dim
// secondary) on a terminal, honouring NO_COLOR and FORCE_COLOR; `--json` and piped output never are.
// The CLI runs as a child with pipes, so "a terminal" is FORCE_COLOR here (pty-progress.test.ts
// runs it under a real pseudo-terminal).
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readEnvironment } from '../../src/config/environment.js';
import { colorWanted } from '../../src/util/paint.js';
import { cassette, tempDir, writeStore } from './cli-helpers.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[\d+(;\d+)*m/;
const RED = '\u001b[31m';
const GREEN = '\u001b[32m';
const FORCE = { NO_COLOR: '', FORCE_COLOR: '1' };
const NONE = { NO_COLOR: '1', FORCE_COLOR: '' };
const PIPED = { NO_COLOR: '', FORCE_COLOR: '' };

let tmp: ReturnType<typeof tempDir>;
let store: string;
beforeEach(async () => {
  tmp = tempDir();
  store = join(tmp.dir, 's.db');
  await writeStore(store, {
    checkout: [[{ ask: 'weather in Paris', answer: 'Sunny' }], [{ ask: 'weather in Rome', answer: 'Rainy' }]],
  });
});
afterEach(() => tmp.cleanup());

describe('colour of human output', () => {
  it('FORCE_COLOR=1 colours the diff: CHANGED red, the heading bold; --json stays plain JSON', async () => {
    const r = await cassette(['diff', 'checkout', '--store', store], tmp.dir, FORCE);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${RED}CHANGED`);
    const json = await cassette(['diff', 'checkout', '--store', store, '--json'], tmp.dir, FORCE);
    expect(json.stdout).not.toMatch(ANSI);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, changed: 1 });
  });

  it('FORCE_COLOR=1 colours ls, stats and show tables and keeps their columns aligned', async () => {
    const ls = await cassette(['ls', '--store', store], tmp.dir, FORCE);
    expect(ls.stdout).toMatch(ANSI);
    // Without the codes, the table is the plain one.
    const plain = await cassette(['ls', '--store', store], tmp.dir, NONE);
    expect(ls.stdout.replace(new RegExp(ANSI.source, 'g'), '')).toBe(plain.stdout);
    const stats = await cassette(['stats', '--store', store], tmp.dir, FORCE);
    expect(stats.stdout).toMatch(ANSI);
    expect(stats.stderr).toMatch(ANSI);
    const show = await cassette(['show', 'checkout', '--store', store], tmp.dir, FORCE);
    expect(show.stdout).toContain(`${GREEN}200`);
    for (const args of [['ls'], ['stats'], ['show', 'checkout']]) {
      const j = await cassette([...args, '--store', store, '--json'], tmp.dir, FORCE);
      expect(j.stdout, args.join(' ')).not.toMatch(ANSI);
      expect(JSON.parse(j.stdout).ok).toBe(true);
    }
  });

  it('verify: clean is green; an error on stderr is red with a dim hint; --json is plain', async () => {
    const ok = await cassette(['verify', '--store', store], tmp.dir, FORCE);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain(`${GREEN}`);
    const missing = await cassette(['ls', '--store', join(tmp.dir, 'none.db')], tmp.dir, FORCE);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain(`${RED}cassette: no store at`);
    const json = await cassette(['ls', '--store', join(tmp.dir, 'none.db'), '--json'], tmp.dir, FORCE);
    expect(json.stdout).not.toMatch(ANSI);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'store_unreadable' } });
  });

  it('NO_COLOR=1 (FORCE_COLOR unset) and plain pipes give no escape codes anywhere', async () => {
    for (const env of [NONE, PIPED]) {
      for (const args of [['diff', 'checkout'], ['ls'], ['stats'], ['show', 'checkout'], ['verify']]) {
        const r = await cassette([...args, '--store', store], tmp.dir, env);
        expect(r.code, `${args.join(' ')} ${r.stderr}`).toBe(0);
        expect(r.stdout + r.stderr, args.join(' ')).not.toMatch(ANSI);
      }
    }
  });

  it('FORCE_COLOR=0 disables colour, and NO_COLOR wins over FORCE_COLOR', async () => {
    for (const env of [
      { NO_COLOR: '', FORCE_COLOR: '0' },
      { NO_COLOR: '1', FORCE_COLOR: '1' },
    ]) {
      const r = await cassette(['diff', 'checkout', '--store', store], tmp.dir, env);
      expect(r.stdout).not.toMatch(ANSI);
    }
  });
});

describe('the colour decision', () => {
  it('reads NO_COLOR, FORCE_COLOR and TERM=dumb as the usual conventions say', () => {
    const decide = (env: NodeJS.ProcessEnv, tty: boolean): boolean => {
      const e = readEnvironment(env);
      return colorWanted(e.color, tty, e.dumbTerminal);
    };
    expect(decide({}, true)).toBe(true);
    expect(decide({}, false)).toBe(false);
    expect(decide({ NO_COLOR: '1' }, true)).toBe(false);
    expect(decide({ NO_COLOR: '' }, true)).toBe(true); // empty means unset (no-color.org)
    expect(decide({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(decide({ FORCE_COLOR: 'true' }, false)).toBe(true);
    expect(decide({ FORCE_COLOR: '3' }, false)).toBe(true);
    expect(decide({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(decide({ FORCE_COLOR: 'false' }, true)).toBe(false);
    expect(decide({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
    expect(decide({ TERM: 'dumb' }, true)).toBe(false);
    expect(decide({ TERM: 'dumb', FORCE_COLOR: '1' }, true)).toBe(true);
  });
});
