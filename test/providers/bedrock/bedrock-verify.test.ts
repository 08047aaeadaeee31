// A stored Bedrock event stream keeps each message's bytes with their CRC32 checksums: a
// corrupted frame in a take is caught by `cassette verify`, which exits 1 naming the step.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, useCleanup } from '../../helpers/cleanup.js';
import { runCli, startProxy } from '../../helpers/proxy.js';
import { rawRequest } from '../../helpers/record-replay.js';
import { startFakeBedrock, streamBody } from './fake-bedrock.js';

useCleanup();

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('cassette verify on a Bedrock event stream', () => {
  it('passes a clean take and catches a corrupted frame', async () => {
    const store = join(tempDir(), 'cassettes');
    const upstream = await startFakeBedrock({ AKIAPROXYEXAMPLE0003: 'proxy-secret-verify' });
    const env = { AWS_ACCESS_KEY_ID: 'AKIAPROXYEXAMPLE0003', AWS_SECRET_ACCESS_KEY: 'proxy-secret-verify' };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const live = await startProxy({ mode: 'live', store, episode: 'verify-bedrock', upstream: [`bedrock=${upstream.url}`] });
      const body = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Weather in Paris?' }] }] });
      const res = await rawRequest(`${live.url}/bedrock/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(Buffer.concat(streamBody('converse-stream-tool-use')));
      await live.stop();

      // Golden sends the very bytes (raw HTTP, no SDK in between).
      const golden = await startProxy({ mode: 'golden', store, episode: 'verify-bedrock' });
      const again = await rawRequest(`${golden.url}/bedrock/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(again.body).toEqual(res.body);
      expect(again.headers['content-type']).toBe('application/vnd.amazon.eventstream');
      await golden.stop();
    } finally {
      process.env = saved;
    }

    const clean = await runCli(['verify', '--store', store, '--json']);
    expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true, findings: [] });

    // Flip one payload byte of the third message, inside the take file's base64.
    const third = (streamBody('converse-stream-tool-use')[2] as Buffer).toString('base64');
    const file = filesUnder(store).find((f) => readFileSync(f, 'utf8').includes(third));
    expect(file).toBeDefined();
    const bad = Buffer.from(third, 'base64');
    bad[bad.length - 8] = (bad[bad.length - 8] as number) ^ 0x01;
    writeFileSync(file as string, readFileSync(file as string, 'utf8').replace(third, bad.toString('base64')));

    const r = await runCli(['verify', '--store', store, '--json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings).toEqual([
      expect.objectContaining({
        kind: 'integrity',
        where: 'episode "verify-bedrock" take 1 step 1 at response.stream',
        message: expect.stringMatching(/event stream message 3 of 11 is corrupt/),
      }),
    ]);
  });
});
