// Soak (issue 13, opt-in): two real proxies (`cassette serve` child processes) on one store, one
// recording (record-missing) and one replaying (golden), driven for CASSETTE_SOAK_SECONDS (default
// 600) by a mix of misses on fresh episode ids, new episodes, big answers over the recording
// limit, gzip bombs, SSE streams, plus hundreds of idle sockets held open. Reports each proxy's
// peak RSS (VmHWM), RSS every 5 s and each proxy's `/__cassette/stats` `memory` counters every
// 10 s, and requires every request to be answered. Not part of `npm test`: it runs only with
// CASSETTE_SOAK=1 (`npm run test:soak`, or this file alone:
// `CASSETTE_SOAK=1 CASSETTE_SOAK_SECONDS=120 npx vitest run test/robustness/soak.test.ts`).
// CASSETTE_SOAK_REPORT=FILE writes the report as JSON; CASSETTE_SOAK_NODE_OPTIONS is passed to
// both proxies as NODE_OPTIONS (e.g. `--heapsnapshot-signal=SIGUSR2` to compare heap snapshots).
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { defer, tempDir, tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { spawnCli } from '../helpers/proxy.js';
import { rawRequest } from '../helpers/record-replay.js';

useCleanup();

const SOAK = Boolean(process.env.CASSETTE_SOAK);
const SECONDS = Number(process.env.CASSETTE_SOAK_SECONDS ?? 600);
const IDLE_SOCKETS = Number(process.env.CASSETTE_SOAK_IDLE_SOCKETS ?? 200);
const MIB = 1024 * 1024;
const CHAT = '/openai/v1/chat/completions';

/** Peak and current RSS of a process, MiB (Linux /proc). */
function memoryOf(pid: number): { peakMiB: number; rssMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(/(\d+) kB/.exec(status.split('\n').find((l) => l.startsWith(field)) ?? '')?.[1] ?? 0);
  return { peakMiB: Math.round(kib('VmHWM:') / 1024), rssMiB: Math.round(kib('VmRSS:') / 1024) };
}

async function gzipOf(size: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((r) => gzip.once('end', r));
  const block = Buffer.alloc(MIB, 0x30);
  gzip.write('{"pad":"');
  for (let at = 0; at < size; at += MIB) gzip.write(block);
  gzip.end('"}');
  await done;
  return Buffer.concat(out);
}

/** Node options for the two proxies (e.g. `--heapsnapshot-signal=SIGUSR2` to take heap snapshots mid-soak). */
const CHILD_NODE_OPTIONS = process.env.CASSETTE_SOAK_NODE_OPTIONS;

async function serve(args: string[]): Promise<{ url: string; pid: number }> {
  const cli = spawnCli(
    ['serve', '--json', '--port', '0', ...args],
    CHILD_NODE_OPTIONS ? { env: { NODE_OPTIONS: CHILD_NODE_OPTIONS } } : {},
  );
  const ready = JSON.parse(await cli.firstLine(30_000)) as { url: string };
  defer(async () => {
    cli.child.kill('SIGTERM');
    await cli.exited;
  });
  return { url: ready.url, pid: cli.child.pid as number };
}

function idleSockets(url: string, n: number): Socket[] {
  const { hostname, port } = new URL(url);
  const sockets: Socket[] = [];
  for (let i = 0; i < n; i++) {
    const s = connect(Number(port), hostname);
    s.on('error', () => undefined);
    // Half send nothing, half a partial request head (a slow client).
    if (i % 2 === 1) s.write(`POST ${CHAT} HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
    sockets.push(s);
  }
  defer(() => sockets.forEach((s) => s.destroy()));
  return sockets;
}

describe.skipIf(!SOAK)('soak: mixed hostile traffic', () => {
  it(
    `runs ${SECONDS} s with flat memory and every request answered`,
    async () => {
      const bomb = await gzipOf(256 * MIB);
      const big = Buffer.from(JSON.stringify({ id: 'big', choices: [{ message: { content: 'x'.repeat(6 * MIB) } }] }));
      const small = Buffer.from(
        JSON.stringify({
          id: 'chatcmpl-1',
          object: 'chat.completion',
          choices: [{ index: 0, message: { role: 'assistant', content: 'ok' } }],
        }),
      );
      const sse =
        Array.from({ length: 40 }, (_, i) => `data: {"choices":[{"delta":{"content":"t${i} "}}]}\n\n`).join('') + 'data: [DONE]\n\n';
      const upstream = await startFakeUpstream(async (req, res) => {
        const kind = (req.json?.messages?.[0]?.content as string | undefined)?.split(':')[0];
        if (kind === 'bomb') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': String(bomb.length) });
          res.end(bomb);
        } else if (kind === 'big') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(big.length) });
          res.end(big);
        } else if (kind === 'stream') {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(sse);
        } else {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(small.length) });
          res.end(small);
        }
      });
      const store = tempStore();
      const config = join(tempDir(), 'cassette.config.json');
      writeFileSync(config, JSON.stringify({ limits: { maxRecordedBytes: 4 * MIB } }));
      const recorder = await serve([
        '--mode',
        'record-missing',
        '--store',
        store,
        '--config',
        config,
        '--upstream',
        `openai=${upstream.url}`,
        '--quiet',
      ]);
      const golden = await serve(['--mode', 'golden', '--store', store, '--quiet']);
      idleSockets(recorder.url, IDLE_SOCKETS / 2);
      idleSockets(golden.url, IDLE_SOCKETS / 2);

      const counts = { requests: 0, failed: 0, byKind: {} as Record<string, number> };
      const samples: { s: number; recorder: number; golden: number }[] = [];
      const started = Date.now();
      const deadline = started + SECONDS * 1000;
      let n = 0;
      const ask = async (url: string, episode: string, kind: string, stream = false): Promise<void> => {
        n++;
        counts.byKind[kind] = (counts.byKind[kind] ?? 0) + 1;
        const body = JSON.stringify({ model: 'gpt-4o', stream, messages: [{ role: 'user', content: `${kind}:${n}` }] });
        try {
          const answer = await rawRequest(`${url}${CHAT}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-cassette-episode': episode },
            body,
          });
          counts.requests++;
          if (answer.status === 0 || answer.status >= 500) counts.failed++;
        } catch {
          counts.requests++;
          counts.failed++;
        }
      };
      const worker = async (w: number): Promise<void> => {
        for (let i = 0; Date.now() < deadline; i++) {
          const r = (i * 7 + w) % 20;
          if (r < 8)
            await ask(golden.url, `miss-${w}-${i}`, 'golden-miss'); // a fresh episode id each time
          else if (r < 11)
            await ask(recorder.url, `ep-${w}-${i % 50}`, 'new'); // misses that record, in episodes that come back
          else if (r < 14)
            await ask(recorder.url, `rec-${w}-${i}`, 'new-episode'); // a new episode with a recording each time
          else if (r < 17) await ask(recorder.url, `stream-${w}`, 'stream', true);
          else if (r < 19) await ask(recorder.url, `big-${w}`, 'big');
          else await ask(recorder.url, `bomb-${w}`, 'bomb');
        }
      };
      const sampler = setInterval(() => {
        samples.push({
          s: Math.round((Date.now() - started) / 1000),
          recorder: memoryOf(recorder.pid).rssMiB,
          golden: memoryOf(golden.pid).rssMiB,
        });
      }, 5_000);
      // Each proxy's `/__cassette/stats` `memory` counters, every 10 s (the golden call also checks that stats stays cheap).
      const memorySamples: { s: number; recorder: unknown; golden: unknown }[] = [];
      const memoryOfStats = async (url: string): Promise<unknown> => {
        const answer = await rawRequest(`${url}/__cassette/stats`);
        return (JSON.parse(answer.body.toString('utf8')) as { memory?: unknown }).memory;
      };
      const stats = setInterval(
        () =>
          void Promise.all([memoryOfStats(recorder.url), memoryOfStats(golden.url)]).then(
            ([r, g]) => memorySamples.push({ s: Math.round((Date.now() - started) / 1000), recorder: r, golden: g }),
            () => undefined,
          ),
        10_000,
      );
      await Promise.all([0, 1, 2, 3].map(worker));
      clearInterval(sampler);
      clearInterval(stats);

      const report = {
        seconds: SECONDS,
        idleSockets: IDLE_SOCKETS,
        ...counts,
        recorder: memoryOf(recorder.pid),
        golden: memoryOf(golden.pid),
        rssSamplesMiB: samples,
        memorySamples,
      };
      console.log(`soak report: ${JSON.stringify(report)}`);
      if (process.env.CASSETTE_SOAK_REPORT) writeFileSync(process.env.CASSETTE_SOAK_REPORT, JSON.stringify(report, null, 2));
      expect(counts.failed).toBe(0);
      // Flat: neither proxy may approach the size of what went through it (a 256 MiB bomb alone).
      expect(report.recorder.peakMiB).toBeLessThan(400);
      expect(report.golden.peakMiB).toBeLessThan(400);
    },
    (SECONDS + 120) * 1000,
  );
});
