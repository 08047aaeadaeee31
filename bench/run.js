// Side-by-side benchmarks of llm-cassette and its peers, on loopback only (`npm run bench`).
// Writes bench/results/latest.json and docs/benchmarks.md. See docs/benchmarks.md for the method.
//
// Environment:
//   BENCH_QUICK=1         about a minute: forward, replay and ttfe only, 2 s per target, no peers/scale/websocket;
//                         writes bench/results/quick.json and leaves docs/benchmarks.md alone
//   BENCH_NGINX=0         leave out the nginx reference forwarder
//   BENCH_NODE_FLOOR=0    leave out the bare Node forwarder (node:http + undici, the floor for any Node forwarder)
//   BENCH_DURATION=5      seconds of measured load per target and scenario (split over the rounds)
//   BENCH_ROUNDS=5        the targets of a scenario take turns this many times (drift evens out)
//   BENCH_WARMUP=1        seconds of warm-up per target before its first round
//   BENCH_CONNECTIONS=10  autocannon connections
//   BENCH_TTFE_N=30       streamed requests per target in the time-to-first-event scenario
//   BENCH_PEERS=talkback,yakbak,aimock   peers to run (empty: none)
//   BENCH_SKIP_SCALE=1    skip bench/scale.js
//   BENCH_SCALE_N=100000  interactions in the scale store (1000000 for the full run)
//   BENCH_SCALE_FULL=FILE also report a full scale run made apart (node bench/scale.js --out FILE)
//   BENCH_PROFILE=1       also run cassette under --cpu-prof and summarize the hottest functions
//   BENCH_SKIP_POSTGRES=1 skip bench/postgres.js (PostgreSQL store: golden replay vs SQLite, cold lookups)
//   BENCH_PG_N=1000000    interactions in the large PostgreSQL store (100000 with BENCH_QUICK=1)
//   BENCH_ONLY=replay,... only these groups (replay, forward, record, ttfe, websocket, postgres); for working on
//                         the bench (BENCH_ONLY=postgres: the PostgreSQL section alone)
//   BENCH_KEEP_TMP=1      keep stores, tapes and profiles under bench/results/tmp/
//   BENCH_NICE=-10        run every benchmark process at this niceness (root; on a machine shared with other work)
//   BENCH_CASSETTE_ROOT=DIR  benchmark another copy of llm-cassette (bin/, dist/, package.json)
//   BENCH_BASELINE_ROOT=DIR  a second, built copy (say main before a change) takes turns beside this one in the
//                         forward scenarios (passthrough, live) and golden replay: before/after in one run
import { spawnSync } from 'node:child_process';
import { cpus, totalmem, release } from 'node:os';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BENCH_DIR,
  CASSETTE_ROOT,
  ROOT,
  canPin,
  freePort,
  httpRequest,
  loadavg,
  pinSelf,
  runLoad,
  serveArgs,
  stopLoadWorkers,
  sleep,
  spawnNode,
} from './lib/procs.js';
import { jsonAnswer, requestBody, sseEvents } from './lib/payloads.js';
import { forwardingTable, postgresSection, renderReport } from './lib/report.js';
import { summarizeProfiles } from './lib/profile.js';
import { combine } from './lib/stats.js';
import { ensureNginx, startNginx } from './lib/nginx.js';

const env = process.env;
// Quick mode: the forwarding and replay comparisons and time to first event, short and without
// peers, scale or WebSocket (about a minute). Explicit BENCH_* settings still win.
const quick = env.BENCH_QUICK === '1';
const dflt = (name, full, short) => env[name] ?? (quick ? short : full);
const cfg = {
  quick,
  duration: Number(dflt('BENCH_DURATION', 5, 2)),
  rounds: Math.max(1, Number(dflt('BENCH_ROUNDS', 5, 2))),
  warmup: Number(dflt('BENCH_WARMUP', 1, 0.5)),
  connections: Number(env.BENCH_CONNECTIONS ?? 10),
  ttfeN: Number(dflt('BENCH_TTFE_N', 30, 12)),
  peers: dflt('BENCH_PEERS', 'talkback,yakbak,aimock', '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
  skipScale: dflt('BENCH_SKIP_SCALE', '0', '1') === '1',
  skipPostgres: env.BENCH_SKIP_POSTGRES === '1',
  scaleN: Number(env.BENCH_SCALE_N ?? 100_000),
  profile: env.BENCH_PROFILE === '1',
  only: env.BENCH_ONLY ? env.BENCH_ONLY.split(',') : quick ? ['replay', 'forward', 'ttfe'] : null,
};
const on = (group) => !cfg.only || cfg.only.includes(group);
// BENCH_ONLY=postgres: the PostgreSQL section alone (no scale run; its section of docs/benchmarks.md is replaced).
const pgOnly = cfg.only?.length === 1 && cfg.only[0] === 'postgres';
if (pgOnly) [cfg.skipScale, cfg.peers] = [true, []];

const PROXY_CORE = 0; // the processes under test
const LOAD_CORE = 1; // load generator, fake upstream, this orchestrator
const TMP = join(BENCH_DIR, 'results', 'tmp', `run-${Date.now()}`);
const PEERS_DIR = join(BENCH_DIR, 'peers');
const HEADERS = {
  'content-type': 'application/json',
  authorization: 'Bearer sk-bench-not-a-real-key-000000000000',
};
// What autocannon sends on a keep-alive connection (yakbak hashes every header, talkback matches them).
const RECORD_HEADERS = { ...HEADERS, connection: 'keep-alive' };
const JSON_BODY = requestBody({ prompt: 'What is 4200 + 42?' });
const SSE_BODY = requestBody({
  prompt: 'Stream the sum of 4200 and 42, please.',
  stream: true,
});
const UNIQUE_JSON_BODY = requestBody({
  prompt: 'Record me: what is 4200 + 42? [<id>]',
});
const UNIQUE_SSE_BODY = requestBody({
  prompt: 'Record me, streamed: what is 4200 + 42? [<id>]',
  stream: true,
});

function log(msg) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

function ensurePeers() {
  if (cfg.peers.length === 0) return;
  const wanted = JSON.parse(readFileSync(join(PEERS_DIR, 'package.json'), 'utf8')).dependencies;
  const missing = Object.keys(wanted).filter((p) => !existsSync(join(PEERS_DIR, 'node_modules', p, 'package.json')));
  if (missing.length === 0) return;
  log(`installing the peers into bench/peers (missing: ${missing.join(', ')})`);
  const r = spawnSync('npm', ['install', '--prefix', PEERS_DIR, '--no-audit', '--no-fund', '--loglevel=error'], {
    stdio: 'inherit',
    cwd: ROOT,
    timeout: 600_000,
  });
  if (r.status !== 0) throw new Error('npm install --prefix bench/peers failed');
}

function peerVersion(name) {
  try {
    return JSON.parse(readFileSync(join(PEERS_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

// --- the tools ----------------------------------------------------------------------------------

function countFiles(dir) {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(join(dir, e.name)) : 1;
  return n;
}

async function countCassette(store) {
  if (!existsSync(store)) return 0;
  const { openStore } = await import(join(CASSETTE_ROOT, 'dist', 'store', 'open-store.js'));
  const s = await openStore(store, { readonly: true });
  try {
    return (await s.listTakes()).reduce((n, t) => n + t.interactions, 0);
  } finally {
    await s.close();
  }
}

/** Each tool: start(mode 'record'|'replay', dir, upstreamUrl, port) → process with .url (chat endpoint). */
const TOOLS = {
  cassette: {
    version: () => JSON.parse(readFileSync(join(CASSETTE_ROOT, 'package.json'), 'utf8')).version,
    /** mode: 'record' (live), 'replay' (golden) or 'passthrough' (forwards, records nothing). */
    async start(mode, dir, upstream, _port, profileDir, root = CASSETTE_ROOT) {
      const store = join(dir, 'cassettes.db');
      const cassetteMode = { record: 'live', replay: 'golden', passthrough: 'passthrough' }[mode];
      const args = serveArgs(root, cassetteMode, store);
      if (mode !== 'replay') args.push('--upstream', `openai=${upstream}`);
      const nodeFlags = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
      const p = await spawnNode(`cassette ${mode}`, args, {
        core: PROXY_CORE,
        nodeFlags,
      });
      p.url = `http://127.0.0.1:${p.port}/openai/v1/chat/completions`;
      return p;
    },
    recordings: (dir) => countCassette(join(dir, 'cassettes.db')),
  },
  talkback: {
    version: () => peerVersion('talkback'),
    async start(mode, dir, upstream, port) {
      const p = await spawnNode(
        `talkback ${mode}`,
        [join(BENCH_DIR, 'servers', 'peer.js'), 'talkback', mode, String(port), join(dir, 'tapes'), upstream],
        { core: PROXY_CORE },
      );
      p.url = `http://127.0.0.1:${port}/v1/chat/completions`;
      return p;
    },
    recordings: (dir) => countFiles(join(dir, 'tapes')),
  },
  yakbak: {
    version: () => peerVersion('yakbak'),
    async start(mode, dir, upstream, port) {
      const p = await spawnNode(
        `yakbak ${mode}`,
        [join(BENCH_DIR, 'servers', 'peer.js'), 'yakbak', mode, String(port), join(dir, 'tapes'), upstream],
        { core: PROXY_CORE },
      );
      p.url = `http://127.0.0.1:${port}/v1/chat/completions`;
      return p;
    },
    recordings: (dir) => countFiles(join(dir, 'tapes')),
  },
  aimock: {
    version: () => peerVersion('@copilotkit/aimock'),
    async start(mode, dir, upstream, port) {
      const fixtures = join(dir, 'fixtures');
      mkdirSync(fixtures, { recursive: true });
      const cli = join(PEERS_DIR, 'node_modules', '@copilotkit', 'aimock', 'dist', 'cli.js');
      const args = [cli, '-p', String(port), '-f', fixtures, '--log-level', 'silent'];
      if (mode === 'record') args.push('--record', '--provider-openai', upstream);
      // Its own CLI, in a wrapper that runs it in-process and says when the port is open.
      const p = await spawnNode(`aimock ${mode}`, [join(BENCH_DIR, 'servers', 'announce.js'), String(port), ...args], { core: PROXY_CORE });
      p.url = `http://127.0.0.1:${port}/v1/chat/completions`;
      return p;
    },
    recordings: (dir) => countFiles(join(dir, 'fixtures')),
  },
};

async function startBare(core, sseDelayMs, name) {
  const port = await freePort();
  const p = await spawnNode(name, [join(BENCH_DIR, 'servers', 'bare.js'), '--port', String(port), '--sse-delay-ms', String(sseDelayMs)], {
    core,
  });
  p.base = `http://127.0.0.1:${port}`;
  p.url = `${p.base}/v1/chat/completions`;
  return p;
}

// --- measurement --------------------------------------------------------------------------------

const results = {
  meta: {},
  scenarios: [],
  targets: [],
  notes: [],
  profiles: null,
  scale: null,
};

function load(spec, timeoutMs) {
  return runLoad(spec, { core: LOAD_CORE, timeoutMs });
}

/**
 * Runs autocannon against every target in turn, `rounds` times, so that each one sees the same
 * share of whatever else the machine does. targets: [{id, url, pids, body, uniqueBody}].
 */
async function interleaved(name, targets) {
  const slice = cfg.duration / cfg.rounds;
  const slices = new Map(targets.map((t) => [t.id, []]));
  for (let r = 0; r < cfg.rounds; r++) {
    for (const t of targets) {
      const spec = {
        kind: 'autocannon',
        url: t.url,
        method: 'POST',
        headers: HEADERS,
        body: t.body,
        uniqueBody: t.uniqueBody ?? false,
        connections: cfg.connections,
        duration: slice,
        warmup: r === 0 ? cfg.warmup : 0,
        pids: t.pids,
        samples: true,
      };
      try {
        slices.get(t.id).push(await load(spec));
      } catch (err) {
        t.error = err.message;
        log(`${name} ${t.id} round ${r + 1}: FAILED ${err.message.split('\n')[0]}`);
      }
    }
    log(`${name}: round ${r + 1}/${cfg.rounds} done`);
  }
  return new Map(targets.map((t) => [t.id, slices.get(t.id).length ? combine(slices.get(t.id)) : null]));
}

function report(entry) {
  entry.loadavg = loadavg();
  results.scenarios.push(entry);
  const l = entry.load;
  if (entry.error) log(`${entry.id}: FAILED ${entry.error.split('\n')[0]}`);
  else if (l?.kind === 'autocannon') {
    log(
      `${entry.id}: ${l.rps} req/s (${l.rpsPerRound.join(', ')}), p50 ${l.latencyMs.p50} ms, p99 ${l.latencyMs.p99} ms, cpu ${l.cpu?.proxy?.perRequestUs ?? '-'} µs/req, status ${JSON.stringify(l.status)}${entry.memory ? `, peak ${entry.memory.hwmMiB} MiB` : ''}`,
    );
  } else if (l) {
    log(
      `${entry.id}: first event p50 ${l.firstEventMs.p50} ms p99 ${l.firstEventMs.p99} ms, whole stream p50 ${l.totalMs.p50} ms, status ${JSON.stringify(l.status)}`,
    );
  }
}

/** Checks that a proxy answers a benchmark request as the upstream would. */
async function probe(url, body, expect) {
  const r = await httpRequest(url, { headers: RECORD_HEADERS, body });
  const events = r.body
    .toString('utf8')
    .split('\n\n')
    .filter((s) => s.startsWith('data:')).length;
  return {
    status: r.status,
    bytes: r.body.length,
    sameBytes: Buffer.compare(r.body, expect) === 0,
    events,
  };
}

async function stopAll(procs) {
  const mem = {};
  for (const [k, p] of procs) mem[k] = await p.stop();
  return mem;
}

// --- scenarios ----------------------------------------------------------------------------------

/**
 * Replay, JSON then SSE. Each tool records the two benchmark requests once in its record mode and
 * is restarted in its replay mode; the bare server (the limit) takes its turns with them.
 */
async function replayScenarios(tools, upstream) {
  const jsonBytes = jsonAnswer();
  const sseBytes = Buffer.concat(sseEvents());
  const procs = new Map();
  const checks = {};
  const failed = {};
  try {
    procs.set('bare', await startBare(PROXY_CORE, 0, 'bare server'));
    for (const t of tools) {
      try {
        const dir = join(TMP, `${t}-replay`);
        mkdirSync(dir, { recursive: true });
        const port = await freePort();
        const rec = await TOOLS[t].start('record', dir, upstream.base, port);
        try {
          for (const body of [JSON_BODY, SSE_BODY]) {
            const r = await httpRequest(rec.url, {
              headers: RECORD_HEADERS,
              body,
            }).catch((e) => {
              throw new Error(`record phase: ${e.message}; its stderr: ${rec.stderr().slice(-1500)}`);
            });
            if (r.status !== 200) throw new Error(`record phase: HTTP ${r.status} ${r.body.toString().slice(0, 200)}`);
          }
        } finally {
          await rec.stop();
        }
        const p = await TOOLS[t].start(
          'replay',
          dir,
          upstream.base,
          port,
          cfg.profile && t === 'cassette' ? join(TMP, 'profiles', 'golden') : undefined,
        );
        procs.set(t, p);
        checks[t] = {
          json: await probe(p.url, JSON_BODY, jsonBytes),
          sse: await probe(p.url, SSE_BODY, sseBytes),
        };
        // BENCH_BASELINE_ROOT=DIR: the other build's golden serves the same store, taking turns with this one.
        if (t === 'cassette' && env.BENCH_BASELINE_ROOT) {
          const id = 'cassette (baseline)';
          const b = await TOOLS.cassette.start('replay', dir, upstream.base, 0, undefined, env.BENCH_BASELINE_ROOT);
          procs.set(id, b);
          checks[id] = { json: await probe(b.url, JSON_BODY, jsonBytes), sse: await probe(b.url, SSE_BODY, sseBytes) };
        }
      } catch (err) {
        failed[t] = err.message;
      }
    }
    const pidsOf = (k) => ({ proxy: procs.get(k).pid });
    const ids = [...procs.keys()];
    const json = await interleaved(
      'replay-json',
      ids.map((k) => ({
        id: k,
        url: procs.get(k).url,
        body: JSON_BODY,
        pids: pidsOf(k),
      })),
    );
    const sse = await interleaved(
      'replay-sse',
      ids.map((k) => ({
        id: k,
        url: procs.get(k).url,
        body: SSE_BODY,
        pids: pidsOf(k),
      })),
    );
    const memory = await stopAll(procs);
    for (const k of ids) {
      const group = k === 'bare' ? 'limit' : 'replay';
      report({
        id: `${group}-json-${k}`,
        group: `${group}-json`,
        tool: k,
        load: json.get(k),
        check: checks[k]?.json,
        memory: memory[k],
      });
      report({
        id: `${group}-sse-${k}`,
        group: `${group}-sse`,
        tool: k,
        load: sse.get(k),
        check: checks[k]?.sse,
        memory: memory[k],
      });
    }
    for (const [t, e] of Object.entries(failed)) report({ id: `replay-${t}`, group: 'replay-json', tool: t, error: e });
  } finally {
    await stopAll(procs);
  }
}

/** Record: every request a new prompt (a counter set by autocannon setupRequest): a new recording each. */
async function recordScenarios(tools, upstream) {
  const procs = new Map();
  const dirs = {};
  const failed = {};
  try {
    for (const t of tools) {
      try {
        dirs[t] = join(TMP, `${t}-record`);
        mkdirSync(dirs[t], { recursive: true });
        procs.set(
          t,
          await TOOLS[t].start(
            'record',
            dirs[t],
            upstream.base,
            await freePort(),
            cfg.profile && t === 'cassette' ? join(TMP, 'profiles', 'live') : undefined,
          ),
        );
      } catch (err) {
        failed[t] = err.message;
      }
    }
    const targets = [
      {
        id: 'direct',
        url: upstream.url,
        body: UNIQUE_JSON_BODY,
        uniqueBody: true,
        pids: { upstream: upstream.pid },
      },
    ];
    for (const [t, p] of procs)
      targets.push({
        id: t,
        url: p.url,
        body: UNIQUE_JSON_BODY,
        uniqueBody: true,
        pids: { proxy: p.pid, upstream: upstream.pid },
      });
    const res = await interleaved('record-json', targets);
    const memory = await stopAll(procs);
    await sleep(200);
    report({
      id: 'record-json-direct',
      group: 'record-json',
      tool: 'direct',
      load: res.get('direct'),
    });
    for (const t of procs.keys())
      report({
        id: `record-json-${t}`,
        group: 'record-json',
        tool: t,
        load: res.get(t),
        memory: memory[t],
        recordings: await TOOLS[t].recordings(dirs[t]),
      });
    for (const [t, e] of Object.entries(failed))
      report({
        id: `record-json-${t}`,
        group: 'record-json',
        tool: t,
        error: e,
      });
  } finally {
    await stopAll(procs);
  }
}

/**
 * Forwarding, JSON then SSE, every request a new prompt: the fake upstream called directly, nginx
 * (the reference forwarder: one worker, keep-alive, no buffering), llm-cassette in passthrough
 * (forwards, records nothing) and in live (records every answer into SQLite). The issue-20 ratios
 * come from here: live / passthrough, passthrough / nginx, p99 and CPU per request.
 */
async function forwardScenarios(upstream) {
  const procs = new Map();
  const dirs = {};
  const failed = {};
  try {
    if (env.BENCH_NGINX !== '0') {
      const n = ensureNginx(log);
      if (n.bin) {
        try {
          procs.set('nginx', await startNginx(n.bin, join(TMP, 'nginx'), upstream.port, PROXY_CORE));
        } catch (err) {
          failed.nginx = `nginx did not start: ${err.message.split('\n').slice(0, 3).join(' ')}`;
        }
      } else failed.nginx = n.reason;
      if (failed.nginx) results.notes.push(`The nginx reference line was skipped: ${failed.nginx}.`);
    }
    // The floor for any Node forwarder (node:http + an undici Pool, nothing else): splits the gap to
    // nginx into Node's HTTP stack and llm-cassette's own work.
    if (env.BENCH_NODE_FLOOR !== '0') {
      try {
        const p = await spawnNode(
          'node forwarder',
          [join(BENCH_DIR, 'servers', 'node-forward.js'), '--port', '0', '--upstream', upstream.base],
          {
            core: PROXY_CORE,
          },
        );
        p.url = `http://127.0.0.1:${p.port}/v1/chat/completions`;
        procs.set('node', p);
      } catch (err) {
        results.notes.push(`The bare Node forwarder line was skipped: ${err.message.split('\n')[0]}.`);
      }
    }
    // BENCH_BASELINE_ROOT=DIR: another build (bin/, dist/) takes its turns beside this one, for a
    // before/after comparison in one run.
    const builds = [['', CASSETTE_ROOT], ...(env.BENCH_BASELINE_ROOT ? [[' (baseline)', env.BENCH_BASELINE_ROOT]] : [])];
    for (const [id, mode, root] of builds.flatMap(([suffix, root]) => [
      [`passthrough${suffix}`, 'passthrough', root],
      [`live${suffix}`, 'record', root],
    ])) {
      try {
        dirs[id] = join(TMP, `forward-${id.replace(/\W+/g, '-')}`);
        mkdirSync(dirs[id], { recursive: true });
        const profileDir = cfg.profile ? join(TMP, 'profiles', `forward-${id.replace(/\W+/g, '-')}`) : undefined;
        procs.set(id, await TOOLS.cassette.start(mode, dirs[id], upstream.base, 0, profileDir, root));
      } catch (err) {
        failed[id] = err.message;
      }
    }
    const memory = {};
    for (const [kind, body] of [
      ['json', UNIQUE_JSON_BODY],
      ['sse', UNIQUE_SSE_BODY],
    ]) {
      const targets = [{ id: 'direct', url: upstream.url, body, uniqueBody: true, pids: { upstream: upstream.pid } }];
      for (const [id, p] of procs) targets.push({ id, url: p.url, body, uniqueBody: true, pids: { proxy: p.pid, upstream: upstream.pid } });
      const res = await interleaved(`forward-${kind}`, targets);
      for (const t of targets) {
        const load = res.get(t.id);
        report({ id: `forward-${kind}-${t.id}`, group: `forward-${kind}`, tool: t.id, load, ...(t.error ? { error: t.error } : {}) });
      }
    }
    Object.assign(memory, await stopAll(procs));
    await sleep(200);
    for (const id of procs.keys()) {
      for (const kind of ['json', 'sse']) {
        const s = results.scenarios.find((x) => x.id === `forward-${kind}-${id}`);
        if (s) s.memory = memory[id];
      }
      if (id.startsWith('live')) {
        const s = results.scenarios.find((x) => x.id === `forward-sse-${id}`);
        if (s) s.recordings = await TOOLS.cassette.recordings(dirs[id]);
      }
    }
    for (const [id, e] of Object.entries(failed)) report({ id: `forward-json-${id}`, group: 'forward-json', tool: id, error: e });
  } finally {
    await stopAll(procs);
  }
}

/**
 * Time to the first SSE event while recording; the upstream sends the 40 events 5 ms apart.
 * One request at a time, the targets taking turns request by request (direct, cassette, peers).
 */
async function ttfeScenarios(tools, slow) {
  const procs = new Map();
  const dirs = {};
  const failed = {};
  try {
    for (const t of tools) {
      try {
        dirs[t] = join(TMP, `${t}-ttfe`);
        mkdirSync(dirs[t], { recursive: true });
        procs.set(t, await TOOLS[t].start('record', dirs[t], slow.base, await freePort()));
      } catch (err) {
        failed[t] = err.message;
      }
    }
    // llm-cassette forwarding without recording: what the tee is compared with (issue 20).
    try {
      dirs.passthrough = join(TMP, 'passthrough-ttfe');
      mkdirSync(dirs.passthrough, { recursive: true });
      procs.set('passthrough', await TOOLS.cassette.start('passthrough', dirs.passthrough, slow.base, 0));
    } catch (err) {
      failed.passthrough = err.message;
    }
    const urls = [['direct', slow.url], ...[...procs].map(([t, p]) => [t, p.url])];
    const items = [];
    for (let i = -3; i < cfg.ttfeN; i++) {
      for (const [t, url] of urls)
        items.push({
          url,
          group: i < 0 ? `warmup-${t}` : t,
          body: requestBody({
            prompt: `Stream a new answer ${i} via ${t}`,
            stream: true,
          }),
        });
    }
    const pids = Object.fromEntries([...procs].map(([t, p]) => [t, p.pid]));
    const l = await load(
      {
        kind: 'sequence',
        url: slow.url,
        headers: HEADERS,
        items,
        groupBy: true,
        pids,
      },
      120_000 + items.length * 2000,
    );
    const memory = await stopAll(procs);
    const direct = l.groups.direct;
    for (const [t] of urls) {
      const g = l.groups[t];
      report({
        id: `ttfe-${t}`,
        group: 'ttfe',
        tool: t,
        load: {
          kind: 'sequence',
          requests: g.n,
          status: g.status,
          ttfbMs: g.ttfbMs,
          firstEventMs: g.firstEventMs,
          totalMs: { p50: g.p50, p99: g.p99, mean: g.mean },
        },
        ...(t === 'direct'
          ? {}
          : {
              memory: memory[t],
              recordings: t === 'passthrough' ? undefined : await TOOLS[t].recordings(dirs[t]),
              ratio: {
                firstEventDeltaMs: Math.round((g.firstEventMs.p50 - direct.firstEventMs.p50) * 100) / 100,
                ...(l.groups.passthrough
                  ? { vsPassthroughMs: Math.round((g.firstEventMs.p50 - l.groups.passthrough.firstEventMs.p50) * 100) / 100 }
                  : {}),
              },
            }),
      });
    }
    for (const [t, e] of Object.entries(failed)) report({ id: `ttfe-${t}`, group: 'ttfe', tool: t, error: e });
  } finally {
    await stopAll(procs);
  }
}

// --- ratios and targets -------------------------------------------------------------------------

function computeRatios() {
  const get = (id) => results.scenarios.find((s) => s.id === id)?.load;
  const limitJson = get('limit-json-bare');
  const limitSse = get('limit-sse-bare');
  const direct = get('record-json-direct');
  const r2 = (x) => (x === null || x === undefined || !Number.isFinite(x) ? null : Math.round(x * 100) / 100);
  results.baselines = {
    limitJsonRps: limitJson?.rps ?? null,
    limitSseRps: limitSse?.rps ?? null,
    limitJsonCpuUs: limitJson?.cpu.proxy.perRequestUs ?? null,
    limitSseCpuUs: limitSse?.cpu.proxy.perRequestUs ?? null,
    directRecordRps: direct?.rps ?? null,
    ttfeDirectP50: get('ttfe-direct')?.firstEventMs.p50 ?? null,
  };
  for (const s of results.scenarios) {
    if (!s.load) continue;
    const base = s.group.endsWith('-sse') ? limitSse : limitJson;
    if (s.group.startsWith('limit') || s.group.startsWith('replay')) {
      s.ratio = {
        rps: r2(s.load.rps / base?.rps),
        cpu: r2(s.load.cpu.proxy?.perRequestUs / base?.cpu.proxy.perRequestUs),
      };
    } else if (s.group.startsWith('forward-')) {
      const kind = s.group.slice('forward-'.length);
      const of = (id) => get(`forward-${kind}-${id}`);
      const pt = of(s.tool.endsWith(' (baseline)') ? 'passthrough (baseline)' : 'passthrough');
      s.ratio = {
        direct: r2(s.load.rps / of('direct')?.rps),
        nginx: r2(s.load.rps / of('nginx')?.rps),
        node: r2(s.load.rps / of('node')?.rps),
        passthrough: r2(s.load.rps / pt?.rps),
        p99VsPassthrough: r2(s.load.latencyMs.p99 / pt?.latencyMs.p99),
        cpuVsPassthrough: r2(s.load.cpu.proxy?.perRequestUs / pt?.cpu.proxy?.perRequestUs),
      };
    } else if (s.group === 'record-json') {
      s.ratio = {
        rps: r2(s.load.rps / direct?.rps),
        limit: r2(s.load.rps / limitJson?.rps),
      };
    }
  }
}

function computeTargets() {
  const get = (id) => results.scenarios.find((s) => s.id === id);
  const b = results.baselines;
  const t = [];
  const add = (name, target, value, pass, detail, unit = 'x') =>
    t.push({
      name,
      target,
      value: value ?? null,
      unit,
      pass: value === null || value === undefined ? null : pass,
      detail,
    });
  const pg = results.postgres;
  add(
    'golden replay on PostgreSQL (warm cache) vs SQLite',
    '≥ 0.9× SQLite',
    pg?.replay?.ratio,
    pg?.replay?.ratio >= 0.9,
    pg
      ? `${pg.replay.postgres.rps} vs ${pg.replay.sqlite.rps} req/s; p99 ${pg.replay.postgres.latencyMs.p99} vs ${pg.replay.sqlite.latencyMs.p99} ms`
      : 'not run',
  );
  add(
    `cold lookup p99, PostgreSQL store of ${pg?.seed?.interactions?.toLocaleString('en') ?? '-'} interactions`,
    '< 2 ms (1,000,000 interactions)',
    pg?.cold?.totalMs?.p99,
    pg?.cold?.totalMs?.p99 < 2,
    pg ? `p50 ${pg.cold.totalMs.p50} ms over ${pg.cold.lookups} lookups (indexEpisode + read)` : 'not run',
    'ms',
  );
  const gj = get('replay-json-cassette');
  add(
    'golden replay (JSON) throughput',
    '≥ 0.75× bare server',
    gj?.ratio?.rps,
    gj?.ratio?.rps >= 0.75,
    gj?.load
      ? `${gj.load.rps} vs ${b.limitJsonRps} req/s; CPU ${gj.load.cpu.proxy.perRequestUs} vs ${b.limitJsonCpuUs} µs/req (if both were CPU-bound: ${(b.limitJsonCpuUs / gj.load.cpu.proxy.perRequestUs).toFixed(2)}×)`
      : 'not run',
  );
  // Issue 20: recording for nearly the price of forwarding, forwarding near nginx's.
  for (const kind of ['json', 'sse']) {
    const K = kind.toUpperCase();
    const live = get(`forward-${kind}-live`);
    const pt = get(`forward-${kind}-passthrough`);
    const ng = get(`forward-${kind}-nginx`);
    const nf = get(`forward-${kind}-node`);
    const cpu = (x) => x?.load?.cpu.proxy?.perRequestUs;
    add(
      `live vs passthrough (${K}) throughput`,
      '≥ 0.67× passthrough',
      live?.ratio?.passthrough,
      live?.ratio?.passthrough >= 0.67,
      live?.load && pt?.load ? `${live.load.rps} vs ${pt.load.rps} req/s; CPU ${cpu(live)} vs ${cpu(pt)} µs/req` : 'not run',
    );
    add(
      `passthrough vs nginx (${K}) throughput`,
      '≥ 0.8× nginx',
      pt?.ratio?.nginx,
      pt?.ratio?.nginx >= 0.8,
      pt?.load && ng?.load
        ? `${pt.load.rps} vs ${ng.load.rps} req/s; CPU ${cpu(pt)} vs ${cpu(ng)} µs/req` +
            (nf?.load
              ? `; a bare Node forwarder: ${nf.load.rps} req/s (${(nf.load.rps / ng.load.rps).toFixed(2)}× nginx), CPU ${cpu(nf)} µs/req`
              : '')
        : ng?.error
          ? `nginx: ${ng.error}`
          : 'not run',
    );
    add(
      `live p99 vs passthrough p99 (${K})`,
      '≤ 2× passthrough',
      live?.ratio?.p99VsPassthrough,
      live?.ratio?.p99VsPassthrough <= 2,
      live?.load && pt?.load ? `${live.load.latencyMs.p99} vs ${pt.load.latencyMs.p99} ms` : 'not run',
    );
  }
  const tf = get('ttfe-cassette');
  const tp = get('ttfe-passthrough');
  add(
    'first SSE event while recording',
    'within 1 ms of passthrough (p50)',
    tf?.ratio?.vsPassthroughMs,
    tf?.ratio?.vsPassthroughMs <= 1,
    tf?.load
      ? `p50 ${tf.load.firstEventMs.p50} vs passthrough ${tp?.load.firstEventMs.p50} vs direct ${b.ttfeDirectP50} ms; p99 ${tf.load.firstEventMs.p99} vs ${tp?.load.firstEventMs.p99} ms`
      : 'not run',
    'ms',
  );
  const sr = get('replay-sse-cassette');
  add(
    'SSE replay throughput',
    '≥ 0.7× bare server',
    sr?.ratio?.rps,
    sr?.ratio?.rps >= 0.7,
    sr?.load
      ? `${sr.load.rps} vs ${b.limitSseRps} req/s; CPU ${sr.load.cpu.proxy.perRequestUs} vs ${b.limitSseCpuUs} µs/req (if both were CPU-bound: ${(b.limitSseCpuUs / sr.load.cpu.proxy.perRequestUs).toFixed(2)}×)`
      : 'not run',
  );
  for (const [group, label] of [
    ['replay-sse', 'peak memory, replay process (JSON then SSE load)'],
    ['record-json', 'peak memory, record process (JSON load)'],
    ['ttfe', 'peak memory, recording streams'],
  ]) {
    const mine = results.scenarios.find((s) => s.group === group && s.tool === 'cassette')?.memory?.hwmMiB;
    const peers = results.scenarios.filter((s) => s.group === group && cfg.peers.includes(s.tool) && s.memory?.hwmMiB && !s.error);
    if (!mine || peers.length === 0) {
      add(label, '≤ 1.5× lightest peer', null, null, 'not run');
      continue;
    }
    const lightest = peers.reduce((a, c) => (a.memory.hwmMiB <= c.memory.hwmMiB ? a : c));
    const ratio = Math.round((mine / lightest.memory.hwmMiB) * 100) / 100;
    add(label, '≤ 1.5× lightest peer', ratio, ratio <= 1.5, `${mine} MiB vs ${lightest.tool} ${lightest.memory.hwmMiB} MiB`);
  }
  const d = results.scale?.directory;
  if (d)
    add(
      `directory store of ${d.n.toLocaleString('en')}: spawn → first answer`,
      '< 1,000 ms',
      d.firstAnswerMs,
      d.firstAnswerMs !== null && d.firstAnswerMs < 1000,
      `--json line at ${d.jsonLineMs} ms; node alone starts in ${results.scale.nodeStartMs} ms`,
      'ms',
    );
  results.targets = t;
}

// --- main ---------------------------------------------------------------------------------------

async function main() {
  const started = Date.now();
  mkdirSync(TMP, { recursive: true });
  const pinned = pinSelf(LOAD_CORE);
  ensurePeers();
  for (const p of cfg.peers) if (!TOOLS[p]) throw new Error(`unknown peer ${p} (known: ${Object.keys(TOOLS).join(', ')})`);
  results.meta = {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform} ${release()}`,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memGiB: Math.round(totalmem() / 2 ** 30),
    pinning: canPin()
      ? {
          proxy: PROXY_CORE,
          loadAndUpstream: LOAD_CORE,
          orchestrator: pinned ? LOAD_CORE : null,
        }
      : null,
    config: cfg,
    cassetteRoot: CASSETTE_ROOT === ROOT ? '.' : CASSETTE_ROOT,
    versions: Object.fromEntries(['cassette', ...cfg.peers].map((t) => [t, TOOLS[t].version()])),
    autocannon: JSON.parse(readFileSync(join(ROOT, 'node_modules', 'autocannon', 'package.json'), 'utf8')).version,
    nice: env.BENCH_NICE ? Number(env.BENCH_NICE) : null,
    mitmproxy: spawnSync('sh', ['-c', 'command -v mitmdump']).status === 0,
    loadavgStart: loadavg(),
    payload: {
      jsonBytes: jsonAnswer().length,
      sseEvents: sseEvents().length,
      sseBytes: sseEvents().reduce((n, e) => n + e.length, 0),
    },
  };
  if (!canPin())
    results.notes.push('taskset is not available (or there is one core): processes were not pinned and competed for every core.');
  if (env.BENCH_BASELINE_ROOT) {
    const commit = spawnSync('git', ['-C', env.BENCH_BASELINE_ROOT, 'log', '-1', '--format=%h (%cs)'], { encoding: 'utf8' }).stdout?.trim();
    results.notes.push(
      `The "(baseline)" rows are another build (BENCH_BASELINE_ROOT${commit ? `, commit ${commit}` : ''}), taking turns with this one in the same run.`,
    );
  }
  log(`config ${JSON.stringify(cfg)}; pinning ${JSON.stringify(results.meta.pinning)}; load average ${results.meta.loadavgStart}`);

  const upstream = await startBare(LOAD_CORE, 0, 'fake upstream');
  const slow = await startBare(LOAD_CORE, 5, 'fake upstream, 5 ms between events');
  const tools = ['cassette', ...cfg.peers];
  try {
    if (on('replay')) await replayScenarios(tools, upstream);
    if (on('forward')) await forwardScenarios(upstream);
    if (on('record')) await recordScenarios(tools, upstream);
    if (on('ttfe')) await ttfeScenarios(tools, slow);
  } finally {
    await upstream.stop();
    await slow.stop();
  }
  stopLoadWorkers();
  results.meta.loadavgEnd = loadavg();
  results.meta.mainSeconds = Math.round((Date.now() - started) / 1000);
  if (cfg.profile) results.profiles = summarizeProfiles(join(TMP, 'profiles'));

  if (!cfg.skipScale) {
    log(`scale scenarios (bench/scale.js, ${cfg.scaleN.toLocaleString('en')} interactions)`);
    const r = spawnSync(process.execPath, [join(BENCH_DIR, 'scale.js'), '--out', join(TMP, 'scale.json')], {
      stdio: ['ignore', 'inherit', 'inherit'],
      cwd: ROOT,
      env: { ...env, BENCH_TMP: TMP },
      timeout: 3_600_000,
    });
    if (r.status === 0 && existsSync(join(TMP, 'scale.json'))) results.scale = JSON.parse(readFileSync(join(TMP, 'scale.json'), 'utf8'));
    else results.notes.push(`bench/scale.js failed (exit ${r.status ?? r.signal}); no scale results in this run.`);
  } else {
    results.notes.push('The scale scenarios were skipped in this run (BENCH_SKIP_SCALE=1).');
  }
  if (on('websocket')) {
    log('websocket scenarios (bench/websocket.js: relay overhead per frame, golden sessions per minute)');
    const r = spawnSync(process.execPath, [join(BENCH_DIR, 'websocket.js'), '--out', join(BENCH_DIR, 'results', 'websocket.json')], {
      stdio: ['ignore', 'inherit', 'inherit'],
      cwd: ROOT,
      env,
      timeout: 600_000,
    });
    if (r.status === 0) results.websocket = JSON.parse(readFileSync(join(BENCH_DIR, 'results', 'websocket.json'), 'utf8'));
    else results.notes.push(`bench/websocket.js failed (exit ${r.status ?? r.signal}); no WebSocket results in this run.`);
  }
  if (on('postgres') && !cfg.skipPostgres) {
    log('PostgreSQL scenarios (bench/postgres.js: golden replay vs SQLite, cold lookups on a large store)');
    const r = spawnSync(process.execPath, [join(BENCH_DIR, 'postgres.js'), '--out', join(TMP, 'postgres.json')], {
      stdio: ['ignore', 'inherit', 'inherit'],
      cwd: ROOT,
      env: { ...env, BENCH_TMP: TMP },
      timeout: 1_800_000,
    });
    if (r.status === 0 && existsSync(join(TMP, 'postgres.json')))
      results.postgres = JSON.parse(readFileSync(join(TMP, 'postgres.json'), 'utf8'));
    else results.notes.push(`bench/postgres.js failed (exit ${r.status ?? r.signal}); no PostgreSQL results in this run.`);
  }
  computeRatios();
  computeTargets();
  results.meta.loadavgEnd = loadavg();
  results.meta.totalSeconds = Math.round((Date.now() - started) / 1000);

  // A full scale run made apart (BENCH_SCALE_FULL=FILE, the output of `node bench/scale.js --out FILE` with
  // BENCH_SCALE_N=1000000) is carried into the report beside this run's.
  if (env.BENCH_SCALE_FULL && existsSync(env.BENCH_SCALE_FULL)) results.scaleFull = JSON.parse(readFileSync(env.BENCH_SCALE_FULL, 'utf8'));
  mkdirSync(join(BENCH_DIR, 'results'), { recursive: true });
  if (pgOnly) {
    writeFileSync(join(BENCH_DIR, 'results', 'postgres.json'), JSON.stringify(results, null, 2) + '\n');
    if (results.postgres) {
      const doc = join(ROOT, 'docs', 'benchmarks.md');
      const old = readFileSync(doc, 'utf8');
      const section = `## PostgreSQL store\n\n${postgresSection(results)}\n\n`;
      const at = old.indexOf('## PostgreSQL store\n');
      const next = at < 0 ? old.indexOf('## Profiling findings\n') : old.indexOf('\n## ', at + 1) + 1;
      writeFileSync(doc, at < 0 && next < 0 ? `${old}\n${section}` : `${old.slice(0, at < 0 ? next : at)}${section}${old.slice(next)}`);
    }
    log(`wrote bench/results/postgres.json and the PostgreSQL section of docs/benchmarks.md (${results.meta.totalSeconds} s)`);
  } else if (cfg.quick) {
    // A quick run is for comparing while working: it never replaces the full report.
    writeFileSync(join(BENCH_DIR, 'results', 'quick.json'), JSON.stringify(results, null, 2) + '\n');
    log(`wrote bench/results/quick.json (${results.meta.totalSeconds} s)`);
  } else {
    writeFileSync(join(BENCH_DIR, 'results', 'latest.json'), JSON.stringify(results, null, 2) + '\n');
    writeFileSync(join(ROOT, 'docs', 'benchmarks.md'), renderReport(results));
    log(`wrote bench/results/latest.json and docs/benchmarks.md (${results.meta.totalSeconds} s)`);
  }
  process.stdout.write(`\n${forwardingTable(results)}\n\n`);
  for (const t of results.targets)
    log(`target ${t.name}: ${t.pass === null ? 'not measured' : t.pass ? 'PASS' : 'FAIL'} (${t.value ?? '-'}; ${t.target}; ${t.detail})`);
  if (env.BENCH_KEEP_TMP !== '1') rmSync(TMP, { recursive: true, force: true });
  stopLoadWorkers();
}

main().catch((err) => {
  process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
