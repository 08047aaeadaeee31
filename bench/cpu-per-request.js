// CPU per request of the forwarding paths, counted, not timed: the steadiest figure on a shared
// machine (issue 20). A fixed number of requests goes to each target in turn, round after round
// (so each sees the same share of whatever else runs), and the proxy's CPU is read from /proc
// before and after: all its threads, and its main thread (the event loop) alone.
//   node bench/cpu-per-request.js [--baseline DIR] [--rounds 3] [--requests 2000] [--only node,passthrough,live]
//                                 [--kinds json,sse] [--profile DIR]
// Targets: the bare Node forwarder (bench/servers/node-forward.js, the floor), this build's
// `cassette serve` in passthrough and live, and with --baseline another built copy's (before/after in
// one run). Every request is a new prompt (live records each). Prints the median and every round.
// `--only golden` (opt-in; `--only live,golden` for both): each build's live proxy first records, into
// a store of its own, every prompt the golden rounds will send (warm-up included), then that build's
// golden proxy serves them: every request a hit, and the first of its key, as in a CI run (each answer
// read from the store once). Its floor is the bare static server (bench/servers/bare.js) asked directly.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_DIR, ROOT, serveArgs, spawnNode } from './lib/procs.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const rounds = Number(opt('--rounds', '3'));
const perRound = Number(opt('--requests', '2000'));
const baseline = opt('--baseline', undefined);
const only = opt('--only', 'node,passthrough,live').split(',');
const kinds = opt('--kinds', 'json,sse').split(',');
const profileDir = opt('--profile', undefined);
const CONNECTIONS = 8;
const TICK_MS = 10; // USER_HZ 100

/** utime+stime in ms of every thread of `pid`, and of its main thread. */
function cpuOf(pid) {
  let all = 0;
  let main = 0;
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const s = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(f[11]) + Number(f[12])) * TICK_MS;
      all += ms;
      if (Number(t) === pid) main = ms;
    } catch {
      /* a thread that ended meanwhile */
    }
  }
  return { all, main };
}

/** Starts `node ARGV` unpinned (bench/lib/procs.js), under --cpu-prof with --profile (not the upstream). */
const start = (name, argv) =>
  spawnNode(name, argv, { nodeFlags: profileDir && name !== 'upstream' ? ['--cpu-prof', '--cpu-prof-dir', join(profileDir, name)] : [] });

const tmp = mkdtempSync(join(tmpdir(), 'cassette-cpu-'));
const procs = [];
try {
  const upstream = await start('upstream', [join(BENCH_DIR, 'servers', 'bare.js'), '--port', '0']);
  procs.push(upstream);
  const base = `http://127.0.0.1:${upstream.port}`;
  const targets = [];
  if (only.includes('node')) {
    const p = await start('node forwarder', [join(BENCH_DIR, 'servers', 'node-forward.js'), '--port', '0', '--upstream', base]);
    procs.push(p);
    targets.push({ ...p, path: '/v1/chat/completions' });
  }
  const builds = [['', ROOT], ...(baseline ? [[' (baseline)', baseline]] : [])];
  for (const mode of ['passthrough', 'live']) {
    if (!only.includes(mode)) continue;
    for (const [suffix, root] of builds) {
      const name = `${mode}${suffix}`;
      const store = join(tmp, `${name.replace(/\W+/g, '-')}.db`);
      const p = await start(name, [...serveArgs(root, mode, store), '--upstream', `openai=${base}`]);
      procs.push(p);
      targets.push({ ...p, path: '/openai/v1/chat/completions' });
    }
  }
  let counter = 0;
  /** `t.prompts` (golden targets): the next prompt of a fixed sequence per kind, else a new one each time. */
  const drive = async (t, stream, n) => {
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    let sent = 0;
    let failed = 0;
    const one = () =>
      new Promise((resolve) => {
        const body = JSON.stringify({
          model: 'gpt-4o',
          messages: [
            {
              role: 'user',
              content: t.prompts?.[stream ? 'sse' : 'json']() ?? `Record me: what is 4200 + 42? [${process.pid}-${++counter}]`,
            },
          ],
          ...(stream ? { stream: true } : {}),
        });
        const headers = { 'content-type': 'application/json', authorization: 'Bearer sk-bench-not-a-real-key-000000000000' };
        const req = request({ host: '127.0.0.1', port: t.port, path: t.path, method: 'POST', agent, headers }, (res) => {
          if (res.statusCode !== 200) failed++;
          res.resume();
          res.on('end', resolve);
        });
        req.on('error', () => {
          failed++;
          resolve();
        });
        req.end(body);
      });
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (sent < n) {
          sent++;
          await one();
        }
      }),
    );
    agent.destroy();
    if (failed)
      throw new Error(`${t.name}: ${failed} of ${n} requests failed${t.stderr ? `; its stderr: ${t.stderr().slice(-1000)}` : ''}`);
  };
  if (only.includes('golden')) {
    targets.push({ ...upstream, name: 'bare server', path: '/v1/chat/completions' });
    const warmup = Math.min(1000, perRound);
    const count = { json: warmup + rounds * perRound, sse: warmup + rounds * Math.ceil(perRound / 2) };
    for (const [suffix, root] of builds) {
      const name = `golden${suffix}`;
      const store = join(tmp, `${name.replace(/\W+/g, '-')}.db`);
      const argv = (mode) => serveArgs(root, mode, store);
      const rec = await spawnNode(`${name} recorder`, [...argv('live'), '--upstream', `openai=${base}`]);
      try {
        const recorder = { ...rec, path: '/openai/v1/chat/completions', prompts: goldenPrompts() };
        for (const k of kinds) await drive(recorder, k === 'sse', count[k]);
      } finally {
        await rec.stop();
      }
      const p = await start(name, argv('golden'));
      procs.push(p);
      targets.push({ ...p, path: '/openai/v1/chat/completions', prompts: goldenPrompts() });
    }
  }
  // Warm-up: the JIT, the pools and the store reach their steady state.
  for (const t of targets) for (const k of kinds) await drive(t, k === 'sse', Math.min(1000, perRound));
  const results = new Map();
  for (let r = 0; r < rounds; r++) {
    for (const k of kinds) {
      for (const t of targets) {
        const n = k === 'sse' ? Math.ceil(perRound / 2) : perRound;
        const before = cpuOf(t.pid);
        await drive(t, k === 'sse', n);
        const after = cpuOf(t.pid);
        const key = `${k}\t${t.name}`;
        if (!results.has(key)) results.set(key, { all: [], main: [] });
        results.get(key).all.push(Math.round(((after.all - before.all) * 1000) / n));
        results.get(key).main.push(Math.round(((after.main - before.main) * 1000) / n));
      }
    }
    process.stderr.write(`round ${r + 1}/${rounds} done\n`);
  }
  const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
  process.stdout.write(
    `CPU µs per request (${rounds} rounds; JSON ${perRound}, SSE ${Math.ceil(perRound / 2)} requests per round; ${CONNECTIONS} connections)\n`,
  );
  process.stdout.write('kind\ttarget\tall threads: median (rounds)\tmain thread: median (rounds)\n');
  for (const [key, v] of results) {
    process.stdout.write(`${key}\t${median(v.all)} (${v.all.join(' ')})\t${median(v.main)} (${v.main.join(' ')})\n`);
  }
} finally {
  await Promise.all(procs.map((p) => p.stop()));
  rmSync(tmp, { recursive: true, force: true });
}

/** The prompts golden is recorded with and then asked: the same sequence per kind for every copy. */
function goldenPrompts() {
  const next = (k) => {
    let i = 0;
    return () => `Replay me: what is 4200 + 42? [golden-${k}-${++i}]`;
  };
  return { json: next('json'), sse: next('sse') };
}
