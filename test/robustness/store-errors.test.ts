// Store errors: a store that cannot be opened stops `serve` with exit 3 and a clear message; a
// store that stops taking writes mid-session (RLIMIT_FSIZE: writes past 512 KiB fail with EFBIG,
// as on a full disk) fails the request loudly with `--on-store-error fail`, and with `forward`
// still answers the client while the log says the recording was lost. Never silent.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyStore } from '../../src/store/verify-store.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { call, chatRequestBody, expectedAnswer, integrityCheck, runCliBounded, spawnProxy, startLlmUpstream } from './harness.js';

useCleanup();

const CHAT = '/openai/v1/chat/completions';

describe('a store that cannot be opened', () => {
  it('serve --mode live exits 3 naming the store, for every way the path can be wrong', async () => {
    const dir = tempDir('cassette-badstore-');
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    mkdirSync(join(dir, 'dir.db'));
    writeFileSync(join(dir, 'garbage.db'), Buffer.alloc(8192, 0x5a));
    const cases: [string, string[]][] = [
      ['sqlite under /dev/null', ['--mode', 'live', '--store', '/dev/null/x.db']],
      ['sqlite under a regular file', ['--mode', 'live', '--store', join(file, 'x.db')]],
      ['directory store under a regular file', ['--mode', 'live', '--store', join(file, 'cassettes')]],
      ['directory store that is a regular file', ['--mode', 'live', '--store', file]],
      ['sqlite path that is a directory', ['--mode', 'live', '--store', join(dir, 'dir.db')]],
      ['sqlite file that is not a database', ['--mode', 'live', '--store', join(dir, 'garbage.db')]],
      ['golden on a file that is not a database', ['--mode', 'golden', '--store', join(dir, 'garbage.db')]],
    ];
    const results = await Promise.all(
      cases.map(([, args]) =>
        runCliBounded(['serve', '--port', '0', '--upstream', 'openai=http://127.0.0.1:9', ...args], { timeoutMs: 40_000 }),
      ),
    );
    results.forEach((r, i) => {
      const [what, args] = cases[i] as [string, string[]];
      const store = args[args.indexOf('--store') + 1] as string;
      expect(r.code, `${what}: ${r.stdout}${r.stderr}`).toBe(3);
      expect(r.stdout, what).toBe('');
      expect(r.stderr, what).toContain(store);
      expect(r.stderr, what).toMatch(/cannot open/i);
    });
    // The same with --json: one machine-readable failure line on stdout.
    const json = await runCliBounded(['serve', '--json', '--port', '0', '--mode', 'live', '--store', '/dev/null/x.db']);
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout.trim())).toMatchObject({
      ok: false,
      error: { code: 'store_unreadable' },
    });
  }, 60_000);
});

describe.each([
  ['sqlite', 'store.db'],
  ['directory', 'store-dir'],
])('a %s store that stops taking writes mid-session', (kind, name) => {
  it.each(['fail', 'forward'] as const)(
    '--on-store-error %s',
    async (onStoreError) => {
      const upstream = await startLlmUpstream();
      const storePath = join(tempDir('cassette-storefault-'), name);
      const proxy = await spawnProxy(
        ['--mode', 'live', '--store', storePath, '--upstream', `openai=${upstream.url}`, '--on-store-error', onStoreError],
        { fileSizeLimitKb: 512 },
      );
      const send = (prompt: string, stream: boolean): ReturnType<typeof call> =>
        call(proxy.url, CHAT, { body: chatRequestBody(prompt, stream) });

      const before = await send('before the fault', false);
      expect(before.status).toBe(200);
      expect(before.complete).toBe(true);

      // Answers too large to store under the 512 KiB file size limit: a JSON body and an SSE stream.
      const bigJson = await send('big:768:too large to store', false);
      const bigStream = await send('many:5000:too large to store', true);
      for (const [r, prompt, stream] of [
        [bigJson, 'big:768:too large to store', false],
        [bigStream, 'many:5000:too large to store', true],
      ] as const) {
        expect(r.status, prompt).toBe(200);
        if (onStoreError === 'fail') {
          // The answer is cut before it completes: the client sees a broken response, not a silent success.
          expect(r.complete, prompt).toBe(false);
        } else {
          expect(r.complete, prompt).toBe(true);
          expect(r.body.toString('utf8'), prompt).toBe(expectedAnswer(prompt, stream));
        }
      }

      // Still up, still answering and recording what fits.
      const after = await send('after the fault', false);
      expect(after.status).toBe(200);
      expect(after.complete).toBe(true);
      const stats = await call(proxy.url, '/__cassette/stats');
      expect(JSON.parse(stats.body.toString('utf8'))).toMatchObject({
        storeErrors: 2,
      });

      const stopped = await proxy.stop();
      const log = proxy.stderr();
      const errors = log
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: string; code?: string; msg: string })
        .filter((l) => l.level === 'error' && l.code === 'store_write_failed');
      expect(errors.length, log).toBeGreaterThanOrEqual(2);
      for (const e of errors) expect(e.msg).toContain(storePath);
      if (onStoreError === 'forward') for (const e of errors) expect(e.msg).toMatch(/NOT recorded/);
      expect(stopped.signal, log).toBeNull();

      // Golden on the same store: what was stored replays, what was not misses; nothing half-written.
      const golden = await spawnProxy(['--mode', 'golden', '--store', storePath]);
      for (const [prompt, stream, stored] of [
        ['before the fault', false, true],
        ['big:768:too large to store', false, false],
        ['many:5000:too large to store', true, false],
        ['after the fault', false, true],
      ] as const) {
        const r = await call(golden.url, CHAT, {
          body: chatRequestBody(prompt, stream),
        });
        expect(r.status, `${prompt}: ${r.body.toString('utf8').slice(0, 400)}`).toBe(stored ? 200 : 404);
        if (stored) expect(r.body.toString('utf8')).toBe(expectedAnswer(prompt, stream));
        else expect(r.headers['x-cassette-miss']).toBe('1');
      }
      await golden.stop();
      if (kind === 'sqlite') expect(integrityCheck(storePath)).toBe('ok');
      // What `cassette verify` checks (integrity, schema, credentials), in process.
      expect(await verifyStore(storePath)).toEqual([]);
    },
    40_000,
  );
});

describe('a directory store where an episode cannot be created (a file is in the way)', () => {
  it.each(['fail', 'forward'] as const)(
    '--on-store-error %s',
    async (onStoreError) => {
      const upstream = await startLlmUpstream();
      const storePath = join(tempDir('cassette-storefault-'), 'store-dir');
      mkdirSync(storePath);
      writeFileSync(join(storePath, 'blocked'), 'a file where the episode directory would go');
      const proxy = await spawnProxy([
        '--mode',
        'live',
        '--store',
        storePath,
        '--upstream',
        `openai=${upstream.url}`,
        '--on-store-error',
        onStoreError,
      ]);
      const send = (episode: string, prompt: string, stream: boolean): ReturnType<typeof call> =>
        call(proxy.url, CHAT, {
          body: chatRequestBody(prompt, stream),
          headers: { 'x-cassette-episode': episode },
        });

      const json = await send('blocked', 'json to a blocked episode', false);
      const sse = await send('blocked', 'sse to a blocked episode', true);
      const fine = await send('fine', 'json to a fine episode', false);
      expect(fine.status).toBe(200);
      if (onStoreError === 'fail') {
        // Nothing of the answer had gone out: a real 5xx in the provider's error shape.
        expect(json.status, json.body.toString('utf8')).toBe(500);
        expect(json.headers['x-cassette-error']).toBe('store_write_failed');
        expect(JSON.parse(json.body.toString('utf8'))).toMatchObject({
          error: { code: 'store_write_failed' },
        });
        // The stream had begun: it is cut, never completed as if it were recorded.
        expect(sse.status).toBe(200);
        expect(sse.complete).toBe(false);
      } else {
        expect(json.status).toBe(200);
        expect(json.body.toString('utf8')).toBe(expectedAnswer('json to a blocked episode', false));
        expect(sse.complete).toBe(true);
        expect(sse.body.toString('utf8')).toBe(expectedAnswer('sse to a blocked episode', true));
      }
      const stats = JSON.parse((await call(proxy.url, '/__cassette/stats')).body.toString('utf8')) as { storeErrors: number };
      expect(stats.storeErrors).toBe(2);
      await proxy.stop();
      const errors = proxy
        .stderr()
        .split('\n')
        .filter((l) => l.includes('"store_write_failed"') && l.includes('"level":"error"'));
      expect(errors.length, proxy.stderr()).toBeGreaterThanOrEqual(2);
      if (onStoreError === 'forward') for (const e of errors) expect(e).toMatch(/NOT recorded/);

      const golden = await spawnProxy(['--mode', 'golden', '--store', storePath]);
      const replay = await call(golden.url, CHAT, {
        body: chatRequestBody('json to a fine episode', false),
        headers: { 'x-cassette-episode': 'fine' },
      });
      expect(replay.status).toBe(200);
      const miss = await call(golden.url, CHAT, {
        body: chatRequestBody('json to a blocked episode', false),
        headers: { 'x-cassette-episode': 'blocked' },
      });
      expect(miss.status, miss.body.toString('utf8')).toBe(404);
      expect(miss.headers['x-cassette-miss']).toBe('1');
    },
    30_000,
  );
});
