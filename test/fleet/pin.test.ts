// cassette pin / cassette.lock: golden serves exactly the pinned take, refuses unpinned and changed
// ones in the provider's error shape, and verify reports a pin that no longer holds.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { runCli, startProxy } from '../helpers/proxy.js';
import { call } from '../robustness/harness.js';
import { chatBody, startCountingUpstream } from './counting-upstream.js';

useCleanup();

const CHAT = '/openai/v1/chat/completions';

describe('cassette pin and cassette.lock', () => {
  it('pins the served take; golden serves it over newer takes, refuses unpinned and changed takes, verify reports them', async () => {
    const upstream = await startCountingUpstream({ delayMs: 5 });
    const dir = tempDir('cassette-pin-');
    const store = join(dir, 'store.db');
    const record = async (mode: string, episode: string, prompt: string): Promise<string> => {
      const proxy = await startProxy({ mode, store, episode, upstream: [`openai=${upstream.url}`] });
      const r = await call(proxy.url, CHAT, { body: chatBody(prompt) });
      expect(r.status).toBe(200);
      await proxy.stop();
      return r.body.toString('utf8');
    };
    const first = await record('live', 'ep', 'hello');
    await record('live', 'zz', 'other');

    const pinned = await runCli(['pin', '--store', store, '--json'], { cwd: dir });
    expect(pinned.code, pinned.stderr).toBe(0);
    const report = JSON.parse(pinned.stdout) as { episodes: { episode: string; take: number; changed: boolean }[] };
    expect(report.episodes.map((e) => [e.episode, e.take, e.changed])).toEqual([
      ['ep', 1, true],
      ['zz', 1, true],
    ]);
    const lockText = readFileSync(join(dir, 'cassette.lock'), 'utf8');
    expect(lockText).toMatch(/^\{\n  "version": 1,\n  "episodes": \{\n    "ep": \{\n      "take": 1,\n      "hash": "sha256:[0-9a-f]{64}"/);
    // Re-pinning an unchanged store changes nothing, byte for byte.
    expect((await runCli(['pin', '--store', store], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, 'cassette.lock'), 'utf8')).toBe(lockText);

    // A newer take of ep: golden without the lock serves it, with the lock (found in the working directory) take 1.
    const second = await record('live', 'ep', 'hello');
    expect(second).not.toBe(first);
    const unlocked = await startProxy({ mode: 'golden', store, episode: 'ep' });
    expect((await call(unlocked.url, CHAT, { body: chatBody('hello') })).body.toString('utf8')).toBe(second);
    const locked = await startProxy({ mode: 'golden', store, episode: 'ep' }, { cwd: dir });
    const served = await call(locked.url, CHAT, { body: chatBody('hello') });
    expect(served.status).toBe(200);
    expect(served.headers['x-cassette-take']).toBe('1');
    expect(served.body.toString('utf8')).toBe(first);

    // An episode the lock does not name is refused, in OpenAI's error shape, with a stable code.
    await record('live', 'new-ep', 'x');
    const unpinned = await call(locked.url, CHAT, { body: chatBody('x'), headers: { 'x-cassette-episode': 'new-ep' } });
    expect(unpinned.status).toBe(409);
    expect(JSON.parse(unpinned.body.toString('utf8'))).toMatchObject({ error: { code: 'cassette_unpinned' } });

    // Pin ep's take 2, then continue it with record-missing: its hash changes and golden refuses it.
    expect((await runCli(['pin', 'ep', '--store', store], { cwd: dir })).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'cassette.lock'), 'utf8')).episodes.ep.take).toBe(2);
    await record('record-missing', 'ep', 'added later');
    const lockFile = join(dir, 'cassette.lock');
    const changed = await startProxy({ mode: 'golden', store, episode: 'ep', lock: lockFile });
    const refused = await call(changed.url, CHAT, { body: chatBody('hello') });
    expect(refused.status).toBe(409);
    expect(refused.headers['x-cassette-error']).toBe('cassette_pin_mismatch');

    const verified = await runCli(['verify', '--store', store, '--lock', lockFile, '--json']);
    expect(verified.code).toBe(1);
    const findings = (JSON.parse(verified.stdout) as { findings: { kind: string; where: string }[] }).findings;
    expect(findings.filter((f) => f.kind === 'pin').map((f) => f.where)).toEqual([`${lockFile}: episode "ep" take 2`]);
  }, 60_000);

  it('refuses --take with several episodes, and an unknown episode', async () => {
    const dir = tempDir('cassette-pin-');
    const upstream = await startCountingUpstream({ delayMs: 5 });
    const store = join(dir, 'store.db');
    const proxy = await startProxy({ mode: 'live', store, episode: 'a', upstream: [`openai=${upstream.url}`] });
    await call(proxy.url, CHAT, { body: chatBody('q') });
    await proxy.stop();
    const both = await runCli(['pin', 'a', 'b', '--take', '1', '--store', store, '--json'], { cwd: dir });
    expect(both.code).toBe(2);
    expect(JSON.parse(both.stdout).error.code).toBe('bad_usage');
    const unknown = await runCli(['pin', 'nope', '--store', store, '--json'], { cwd: dir });
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stdout).error.code).toBe('episode_not_found');
  });
});
