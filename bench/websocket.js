// WebSocket session benchmarks (docs/websocket.md), on loopback only. Run by `npm run bench`, or alone:
//   node bench/websocket.js [--out FILE]
//
// 1. Relay overhead in live mode: SESSIONS concurrent sessions (default 50) each send FRAMES frames
//    (default 200), one every GAP_MS ms, to an echo upstream (another process); the round trip of
//    each frame is timed straight to the upstream and through the proxy, alternating. A round trip
//    crosses the relay twice (client → server, server → client), so the added latency per frame is
//    half the added round trip. Target: median added latency per frame < 1 ms.
// 2. Golden sessions per minute: one recorded session (10 turns, 21 server frames) replayed by
//    CONCURRENCY clients (default 20) for GOLDEN_SECONDS (default 15); the proxy's RSS is sampled to
//    show whether memory stays flat. Target: 1,000 sessions a minute.
//
// Environment: BENCH_WS_SESSIONS, BENCH_WS_FRAMES, BENCH_WS_GAP_MS, BENCH_WS_CONCURRENCY, BENCH_WS_GOLDEN_SECONDS.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;
const cfg = {
  sessions: Number(env.BENCH_WS_SESSIONS ?? 50),
  frames: Number(env.BENCH_WS_FRAMES ?? 200),
  gapMs: Number(env.BENCH_WS_GAP_MS ?? 20),
  concurrency: Number(env.BENCH_WS_CONCURRENCY ?? 20),
  goldenSeconds: Number(env.BENCH_WS_GOLDEN_SECONDS ?? 15),
};
const TURNS = 10;
const log = (msg) => process.stderr.write(`bench websocket: ${msg}\n`);

/** Starts a child that prints one JSON line when ready; returns it with that line parsed. */
function start(args, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    let err = '';
    child.stderr.on('data', (d) => (err = (err + d).slice(-2000)));
    child.stdout.on('data', function onData(d) {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      child.stdout.off('data', onData);
      child.stdout.resume();
      resolve({ child, info: JSON.parse(buf.slice(0, nl)) });
    });
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${err}`)));
  });
}

const stop = (child) => new Promise((r) => (child.exitCode !== null ? r() : (child.once('exit', r), child.kill('SIGTERM'))));
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];

/** The echo upstream: answers each frame at once (the relay scenario) or with a small turn (the golden one). */
const UPSTREAM = `
import { WebSocketServer } from 'ws';
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => console.log(JSON.stringify({ port: wss.address().port })));
wss.on('connection', (ws) => {
  ws.send(JSON.stringify({ type: 'session.created', session: { id: 'sess_bench' } }));
  ws.on('message', (data) => {
    const f = JSON.parse(data.toString());
    if (f.type === 'echo') return ws.send(data, { binary: false });
    ws.send(JSON.stringify({ type: 'response.output_text.delta', n: f.n, delta: 'word '.repeat(20) }));
    ws.send(JSON.stringify({ type: 'response.done', n: f.n, response: { usage: { input_tokens: 10, output_tokens: 20 } } }));
  });
});
`;

/** One session of the relay scenario: `frames` echo round trips, one every gapMs; returns their times. */
function echoSession(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    const times = [];
    let sentAt = 0;
    let n = 0;
    const next = () => {
      if (n >= cfg.frames) return ws.close(1000);
      n++;
      sentAt = performance.now();
      ws.send(JSON.stringify({ type: 'echo', n, pad: 'x'.repeat(200) }));
    };
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString());
      if (f.type !== 'echo') return setTimeout(next, Math.random() * cfg.gapMs);
      times.push(performance.now() - sentAt);
      setTimeout(next, cfg.gapMs);
    });
    ws.on('close', () => resolve(times));
    ws.on('error', reject);
  });
}

/** One session of the golden scenario: TURNS turns, each answered by two frames. */
function turnSession(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let turn = 0;
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString());
      if (f.type === 'session.created' || f.type === 'response.done') {
        if (turn >= TURNS) return ws.close(1000);
        ws.send(JSON.stringify({ type: 'response.create', n: ++turn, event_id: `evt_${Math.random()}` }));
      }
      if (f.type === 'error') reject(new Error(JSON.stringify(f)));
    });
    ws.on('close', (code) => (code === 1000 || code === 1005 ? resolve() : reject(new Error(`closed ${code}`))));
    ws.on('error', reject);
  });
}

async function main() {
  const out = process.argv.includes('--out')
    ? process.argv[process.argv.indexOf('--out') + 1]
    : join(ROOT, 'bench', 'results', 'websocket.json');
  const tmp = mkdtempSync(join(tmpdir(), 'cassette-bench-ws-'));
  const upstreamFile = join(tmp, 'upstream.mjs');
  writeFileSync(upstreamFile, UPSTREAM.replace("from 'ws'", `from ${JSON.stringify(join(ROOT, 'node_modules', 'ws', 'wrapper.mjs'))}`));
  const upstream = await start([upstreamFile]);
  const upstreamUrl = `ws://127.0.0.1:${upstream.info.port}`;
  const cli = join(ROOT, 'bin', 'cassette.js');
  const serve = (mode, store) =>
    start([
      cli,
      'serve',
      '--json',
      '--quiet',
      '--port',
      '0',
      '--mode',
      mode,
      '--store',
      store,
      '--upstream',
      `openai=http://127.0.0.1:${upstream.info.port}`,
    ]);
  const results = { config: cfg, relay: {}, golden: {}, targets: [] };
  try {
    // 1. relay overhead, live mode (recording every frame)
    const live = await serve('live', join(tmp, 'relay.db'));
    const proxied = `${live.info.url.replace(/^http/, 'ws')}/openai/v1/realtime?model=gpt-realtime`;
    log(`relay: ${cfg.sessions} sessions x ${cfg.frames} frames, straight and through the proxy`);
    const direct = [];
    const viaProxy = [];
    for (let round = 0; round < 2; round++) {
      const [d, p] = await Promise.all([
        Promise.all(Array.from({ length: cfg.sessions / 2 }, () => echoSession(`${upstreamUrl}/v1/realtime`))),
        Promise.all(Array.from({ length: cfg.sessions / 2 }, () => echoSession(proxied))),
      ]);
      direct.push(...d.flat());
      viaProxy.push(...p.flat());
    }
    await stop(live.child);
    const addedRoundTrip = median(viaProxy) - median(direct);
    results.relay = {
      frames: viaProxy.length,
      directRoundTripMedianMs: +median(direct).toFixed(3),
      proxiedRoundTripMedianMs: +median(viaProxy).toFixed(3),
      directRoundTripP99Ms: +pct(direct, 99).toFixed(3),
      proxiedRoundTripP99Ms: +pct(viaProxy, 99).toFixed(3),
      addedPerFrameMedianMs: +(addedRoundTrip / 2).toFixed(3),
    };
    results.targets.push({
      name: 'relay added latency per frame (median, 50 sessions)',
      value: `${results.relay.addedPerFrameMedianMs} ms`,
      target: '< 1 ms',
      pass: results.relay.addedPerFrameMedianMs < 1,
    });

    // 2. golden sessions per minute
    const store = join(tmp, 'golden.db');
    const rec = await serve('live', store);
    await turnSession(`${rec.info.url.replace(/^http/, 'ws')}/openai/v1/realtime?model=gpt-realtime`);
    await stop(rec.child);
    const golden = await serve('golden', store);
    const url = `${golden.info.url.replace(/^http/, 'ws')}/openai/v1/realtime?model=gpt-realtime`;
    for (let i = 0; i < 50; i++) await turnSession(url); // warm-up
    const rss = [rssMb(golden.child.pid)];
    const until = performance.now() + cfg.goldenSeconds * 1000;
    let done = 0;
    const sampler = setInterval(() => rss.push(rssMb(golden.child.pid)), 1000);
    await Promise.all(
      Array.from({ length: cfg.concurrency }, async () => {
        while (performance.now() < until) {
          await turnSession(url);
          done++;
        }
      }),
    );
    clearInterval(sampler);
    rss.push(rssMb(golden.child.pid));
    await stop(golden.child);
    const perMinute = Math.round((done / cfg.goldenSeconds) * 60);
    const third = Math.max(1, Math.floor(rss.length / 3));
    results.golden = {
      sessions: done,
      seconds: cfg.goldenSeconds,
      sessionsPerMinute: perMinute,
      framesPerSession: 1 + TURNS * 3,
      rssMbFirstThird: +median(rss.slice(0, third)).toFixed(1),
      rssMbLastThird: +median(rss.slice(-third)).toFixed(1),
      rssMbMax: +Math.max(...rss).toFixed(1),
    };
    results.targets.push({
      name: 'golden sessions per minute',
      value: perMinute,
      target: '>= 1,000 with flat memory',
      pass: perMinute >= 1000,
    });
  } finally {
    await stop(upstream.child);
    rmSync(tmp, { recursive: true, force: true });
  }
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  for (const t of results.targets) log(`${t.pass ? 'PASS' : 'FAIL'} ${t.name}: ${t.value} (target ${t.target})`);
  log(`relay ${JSON.stringify(results.relay)}`);
  log(`golden ${JSON.stringify(results.golden)}`);
}

main().catch((err) => {
  process.stderr.write(`bench websocket failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
