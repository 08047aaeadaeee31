// Issue 14 item 4: an episode id from --episode, CASSETTE_EPISODE or startCassette({ episode }) is
// checked at start-up (before a store opens or an upstream is paid), the error names where it came
// from and suggests a valid id; a request the proxy refuses fails `cassette run` like a miss.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCassette } from '../../src/index.js';
import { CassetteError } from '../../src/errors.js';
import { cassette, tempDir } from './cli-helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('episode ids are validated at start-up', () => {
  it('CASSETTE_EPISODE=feature/x fails run with bad_episode_id, names the variable, suggests feature-x, opens no store', async () => {
    const r = await cassette(['run', '--mode', 'live', '--store', 'dir-store', '--json', '--', process.execPath, '-e', ''], tmp.dir, {
      CASSETTE_EPISODE: 'feature/x',
    });
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout) as { ok: boolean; error: { code: string; message: string; hint: string } };
    expect(doc).toMatchObject({ ok: false, error: { code: 'bad_episode_id' } });
    expect(doc.error.message).toContain('CASSETTE_EPISODE');
    expect(doc.error.hint).toContain('"feature-x"');
    expect(existsSync(join(tmp.dir, 'dir-store'))).toBe(false);
  });

  it('--episode on serve names the flag', async () => {
    const r = await cassette(['serve', '--port', '0', '--episode', '../etc', '--store', 'x.db'], tmp.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(from --episode)');
    expect(r.stderr).toContain('try "etc"');
    expect(existsSync(join(tmp.dir, 'x.db'))).toBe(false);
  });

  it('startCassette({ episode }) rejects with bad_episode_id before listening', async () => {
    const err = await startCassette({ episode: 'feature/x', store: join(tmp.dir, 's.db') }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CassetteError);
    expect(err).toMatchObject({ code: 'bad_episode_id' });
    expect((err as CassetteError).message).toContain('startCassette({ episode })');
    expect((err as CassetteError).hint).toContain('"feature-x"');
  });
});

describe('a request the proxy refuses', () => {
  it('fails cassette run with exit 1 although the command exited 0', async () => {
    const child = join(tmp.dir, 'child.mjs');
    writeFileSync(
      child,
      `const r = await fetch(process.env.OPENAI_BASE_URL + '/chat/completions', {
  method: 'POST', headers: { 'content-type': 'application/json', 'x-cassette-episode': 'feature/x' }, body: '{}' });
console.error('CHILD STATUS ' + r.status + ' ' + r.headers.get('x-should-retry'));
`,
    );
    const r = await cassette(['run', '--store', 'dir-store', '--', process.execPath, child], tmp.dir);
    expect(r.stderr).toContain('CHILD STATUS 400');
    expect(r.stderr).toContain('1 requests refused by the proxy');
    expect(r.code).toBe(1);
  });
});
