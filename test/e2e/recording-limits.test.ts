// Answers too large to record (issue 13 item 2): a gzip bomb and an endless stream flow to the
// client unchanged, are stored as `unrecordable` with the reason `ls` and `show` print, are never
// served by golden, and do not make the proxy hold what it did not record.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tempDir, tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { runCli, startProxy } from '../helpers/proxy.js';
import { rawRequest } from '../helpers/record-replay.js';

useCleanup();

const MIB = 1024 * 1024;
const headers = { 'content-type': 'application/json' };
const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'big' }], stream: true });

/** `size` bytes of `{"pad":"000…"}`-ish JSON, gzipped at level 9 (a few hundred bytes per MiB). */
async function gzipBomb(size: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => gzip.once('end', resolve));
  const zeros = Buffer.alloc(MIB, 0x30);
  gzip.write('{"pad":"');
  for (let at = 0; at < size; at += MIB) gzip.write(zeros);
  gzip.end('"}');
  await done;
  return Buffer.concat(out);
}

async function cli(store: string, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await runCli([...args, '--store', store]);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

describe('limits on what is recorded', () => {
  it('a gzip bomb flows to the client unchanged, is stored unrecordable with its reason, and memory stays flat', async () => {
    const bomb = await gzipBomb(256 * MIB);
    const upstream = await startFakeUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
      res.end(bomb);
    });
    const store = tempStore();
    const live = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    const answer = await rawRequest(`${live.url}/openai/v1/chat/completions`, { method: 'POST', headers, body });
    clearInterval(sampler);
    await live.stop();
    expect(answer.status).toBe(200);
    expect(answer.headers['content-encoding']).toBe('gzip');
    expect(answer.body.equals(bomb)).toBe(true);
    // Decoding it whole took the proxy to gigabytes; the guard stops the copy after about a MiB.
    expect(peak - before).toBeLessThan(128 * MIB);

    const shown = await cli(store, 'show', 'default');
    expect(shown.stdout).toMatch(/unrecordable: the answer decompresses more than limits\.maxDecompressionRatio \(200:1\)/);
    const listed = await cli(store, 'ls');
    expect(listed.stderr).toMatch(/episode "default": 1 answer\(s\) not recorded: the answer decompresses more than/);
    const json = JSON.parse((await cli(store, 'ls', '--json')).stdout);
    expect(json.episodes[0]).toMatchObject({ episode: 'default', unrecordable: 1 });

    const golden = await startProxy({ mode: 'golden', store });
    const replay = await rawRequest(`${golden.url}/openai/v1/chat/completions`, { method: 'POST', headers, body });
    expect(replay.status).toBe(404);
  }, 60_000);

  it('a stream past limits.maxRecordedBytes keeps flowing whole and is stored without its events', async () => {
    const config = join(tempDir(), 'cassette.config.json');
    writeFileSync(config, JSON.stringify({ limits: { maxRecordedBytes: MIB } }));
    const event = `data: ${JSON.stringify({ choices: [{ delta: { content: 'x'.repeat(16 * 1024) } }] })}\n\n`;
    const count = Math.ceil((4 * MIB) / event.length);
    const upstream = await startFakeUpstream(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (let i = 0; i < count; i++) if (!res.write(event)) await new Promise((r) => res.once('drain', r));
      res.end('data: [DONE]\n\n');
    });
    const store = tempStore();
    const live = await startProxy({ mode: 'live', store, config, upstream: [`openai=${upstream.url}`] });
    const answer = await rawRequest(`${live.url}/openai/v1/chat/completions`, { method: 'POST', headers, body });
    await live.stop();
    expect(answer.body.toString()).toBe(event.repeat(count) + 'data: [DONE]\n\n');

    const shown = JSON.parse((await cli(store, 'show', 'default', '--json')).stdout);
    expect(shown.interactions[0]).toMatchObject({
      complete: false,
      unrecordable: `the decoded answer is over limits.maxRecordedBytes (${MIB} bytes)`,
      response: { status: 200, stream: { events: [], complete: false } },
    });
  }, 60_000);
});
