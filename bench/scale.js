// Scale scenarios of llm-cassette (run by bench/run.js unless BENCH_SKIP_SCALE=1):
//   node bench/scale.js [--out FILE]
// A SQLite store of BENCH_SCALE_N interactions (default 100,000; 1,000,000 for the full run), ~2 KB
// answers, 100 per episode, written through openStore().beginTake().append(); then: proxy ready
// time, golden lookups (first touch of an episode vs warm), memory after 1,000 lookups, export of
// the whole store, live recording with 8 concurrent clients into it, and a directory store of
// 10,000 interactions: time from spawn to the first answer.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  BENCH_DIR,
  CASSETTE_ROOT,
  ROOT,
  freePort,
  httpRequest,
  memOf,
  pinSelf,
  round1,
  nodeCommand,
  runLoad,
  sleep,
  spawnNode,
  stopLoadWorkers,
} from './lib/procs.js';
import { requestBody } from './lib/payloads.js';
import { combine } from './lib/stats.js';

const env = process.env;
const N = Number(env.BENCH_SCALE_N ?? 100_000);
const PER_EPISODE = Number(env.BENCH_SCALE_PER_EPISODE ?? 100);
const DIR_N = Number(env.BENCH_SCALE_DIR_N ?? 10_000);
const DURATION = Number(env.BENCH_DURATION ?? 5);
const WARMUP = Number(env.BENCH_WARMUP ?? 1);
const LOOKUPS = 1000;
const PROXY_CORE = 0;
const LOAD_CORE = 1;
const outArg = process.argv.indexOf('--out');
const OUT = outArg >= 0 ? process.argv[outArg + 1] : null;
const TMP = join(env.BENCH_TMP ?? join(BENCH_DIR, 'results', 'tmp', `scale-${Date.now()}`), 'scale');
const HEADERS = {
  'content-type': 'application/json',
  authorization: 'Bearer sk-bench-not-a-real-key-000000000000',
};
const CLI = join(CASSETTE_ROOT, 'bin', 'cassette.js');

const { openStore } = await import(join(CASSETTE_ROOT, 'dist', 'store', 'open-store.js'));

function log(msg) {
  process.stderr.write(`[scale ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

const prompt = (j) => `Question ${j}: what is 4200 + ${j}?`;
const episodeId = (e) => `ep-${String(e).padStart(7, '0')}`;

/** Deterministic PRNG (mulberry32) so every run looks up the same episodes. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sizeOf(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, f) => n + sizeOf(join(path, f)), 0);
}

function countFiles(path) {
  if (!existsSync(path)) return 0;
  if (!statSync(path).isDirectory()) return 1;
  return readdirSync(path).reduce((n, f) => n + countFiles(join(path, f)), 0);
}

/** Records PER_EPISODE real interactions through the proxy (real keys, real stored form). */
async function recordTemplate() {
  const up = await spawnNode('fake upstream', [join(BENCH_DIR, 'servers', 'bare.js'), '--port', String(await freePort())], {
    core: LOAD_CORE,
  });
  const store = join(TMP, 'template.db');
  const p = await spawnNode(
    'cassette live',
    [
      CLI,
      'serve',
      '--mode',
      'live',
      '--port',
      '0',
      '--store',
      store,
      '--upstream',
      `openai=http://127.0.0.1:${up.port}`,
      '--quiet',
      '--json',
    ],
    { core: PROXY_CORE },
  );
  try {
    for (let j = 0; j < PER_EPISODE; j++) {
      const r = await httpRequest(`http://127.0.0.1:${p.port}/openai/v1/chat/completions`, {
        headers: { ...HEADERS, 'x-cassette-episode': 'template' },
        body: requestBody({ prompt: prompt(j) }),
      });
      if (r.status !== 200) throw new Error(`template recording: HTTP ${r.status}`);
    }
  } finally {
    await p.stop();
    await up.stop();
  }
  const s = await openStore(store, { readonly: true });
  try {
    const all = [];
    for await (const i of s.interactions({ episodes: ['template'] })) all.push(i);
    return all.sort((a, b) => a.position - b.position);
  } finally {
    await s.close();
  }
}

/** Writes `n` interactions, PER_EPISODE per episode (one take each), through the store API. */
async function generate(path, template, n, label) {
  const t0 = performance.now();
  const store = await openStore(path);
  const episodes = Math.ceil(n / PER_EPISODE);
  const recordedAt = new Date().toISOString();
  let written = 0;
  let nextLog = 0.1;
  try {
    for (let e = 0; e < episodes; e++) {
      const w = await store.beginTake(episodeId(e), 'live');
      for (let j = 0; j < PER_EPISODE && written < n; j++, written++) {
        const t = template[j];
        await w.append({
          ...t,
          episode: episodeId(e),
          take: 1,
          position: j + 1,
          recordedAt,
        });
      }
      await w.finish();
      if (written / n >= nextLog) {
        log(`${label}: ${written.toLocaleString('en')} / ${n.toLocaleString('en')} written (${round1((performance.now() - t0) / 1000)} s)`);
        nextLog += 0.1;
      }
    }
  } finally {
    await store.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    seconds: round1(seconds),
    perSecond: Math.round(n / seconds),
    episodes,
  };
}

/** Spawns `cassette serve` and times spawn → --json line → health → first golden answer. */
async function timeReady(store, lookup) {
  const t0 = performance.now();
  const p = await spawnNode('cassette golden', [CLI, 'serve', '--mode', 'golden', '--port', '0', '--store', store, '--quiet', '--json'], {
    core: PROXY_CORE,
    readyTimeoutMs: 120_000,
  });
  const base = `http://127.0.0.1:${p.port}`;
  let healthMs = null;
  for (let i = 0; i < 2000; i++) {
    const r = await httpRequest(`${base}/__cassette/health`, {
      method: 'GET',
    }).catch(() => null);
    if (r?.status === 200) {
      healthMs = performance.now() - t0;
      break;
    }
    await sleep(5);
  }
  const t1 = performance.now();
  const r = await httpRequest(`${base}/openai/v1/chat/completions`, {
    headers: { ...HEADERS, 'x-cassette-episode': lookup.episode },
    body: lookup.body,
  });
  const firstAnswerMs = performance.now() - t0;
  return {
    proc: p,
    base,
    ready: {
      jsonLineMs: Math.round(p.readyLineMs),
      healthMs: healthMs && Math.round(healthMs),
      firstAnswerMs: Math.round(firstAnswerMs),
      firstRequestMs: Math.round((performance.now() - t1) * 100) / 100,
      status: r.status,
      memory: p.mem(),
    },
  };
}

function nodeStartMs() {
  const times = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const [cmd, args] = nodeCommand(['-e', '0'], PROXY_CORE);
    spawnSync(cmd, args);
    times.push(performance.now() - t0);
  }
  return Math.round(times.sort((a, b) => a - b)[1]);
}

function exportCommandExists() {
  const r = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
  return /^\s+export\b/m.test(r.stdout ?? '');
}

/** `cassette export DIR --store STORE` when the command exists, else the exportStore() it runs. */
function exportStoreTimed(store, dir, timeoutMs) {
  const cli = exportCommandExists();
  const args = cli
    ? [CLI, 'export', dir, '--store', store]
    : [
        '--input-type=module',
        '-e',
        `const { openStore } = await import(${JSON.stringify(join(CASSETTE_ROOT, 'dist', 'store', 'open-store.js'))}); const { exportStore } = await import(${JSON.stringify(join(CASSETTE_ROOT, 'dist', 'store', 'export-store.js'))}); const s = await openStore(${JSON.stringify(store)}, { readonly: true }); console.log(JSON.stringify(await exportStore(s, ${JSON.stringify(dir)}))); await s.close();`,
      ];
  const how = cli
    ? '`cassette export DIR --store DB`'
    : '`exportStore()` from dist/store/export-store.js: no `cassette export` command yet';
  const t0 = performance.now();
  return new Promise((resolve) => {
    const [cmd, cmdArgs] = nodeCommand(args, PROXY_CORE);
    const child = spawn(cmd, cmdArgs, {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err = (err + d).slice(-2000)));
    const timer = setTimeout(() => {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {}
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - t0) / 1000;
      resolve({
        how,
        seconds: code === 0 ? round1(seconds) : null,
        note:
          code === 0
            ? `${countFiles(dir)} files, ${round1(sizeOf(dir) / 2 ** 20)} MiB`
            : `failed (${signal ?? code}): ${err.split('\n').slice(-3).join(' ')}`,
      });
    });
  });
}

/**
 * Live recording with 8 concurrent clients into each of `stores` (one proxy per store, all up at
 * once, taking turns under the load so that they see the same machine).
 */
async function recordInto(stores) {
  const rounds = Math.max(1, Number(env.BENCH_ROUNDS ?? 5));
  const up = await spawnNode('fake upstream', [join(BENCH_DIR, 'servers', 'bare.js'), '--port', String(await freePort())], {
    core: LOAD_CORE,
  });
  const procs = [];
  try {
    for (const [store, label] of stores) {
      procs.push({
        store,
        label,
        slices: [],
        p: await spawnNode(
          'cassette live',
          [
            CLI,
            'serve',
            '--mode',
            'live',
            '--port',
            '0',
            '--store',
            store,
            '--upstream',
            `openai=http://127.0.0.1:${up.port}`,
            '--quiet',
            '--json',
          ],
          { core: PROXY_CORE, readyTimeoutMs: 120_000 },
        ),
      });
    }
    for (let r = 0; r < rounds; r++) {
      for (const t of procs) {
        t.slices.push(
          await runLoad(
            {
              kind: 'autocannon',
              url: `http://127.0.0.1:${t.p.port}/openai/v1/chat/completions`,
              headers: { ...HEADERS, 'x-cassette-episode': 'record-8-clients' },
              body: requestBody({ prompt: 'Record me at scale [<id>]' }),
              uniqueBody: true,
              connections: 8,
              duration: DURATION / rounds,
              warmup: r === 0 ? WARMUP : 0,
              pids: { proxy: t.p.pid, upstream: up.pid },
              samples: true,
            },
            { core: LOAD_CORE },
          ),
        );
      }
    }
    const out = [];
    for (const t of procs) {
      const memory = await t.p.stop();
      const s = await openStore(t.store, { readonly: true });
      const recordings = (await s.listTakes('record-8-clients')).reduce((n, x) => n + x.interactions, 0);
      await s.close();
      const load = combine(t.slices);
      log(`record, 8 clients, ${t.label}: ${load.rps} req/s, p99 ${load.latencyMs.p99} ms, ${recordings} recordings`);
      out.push({ label: t.label, load, memory, recordings });
    }
    return out;
  } finally {
    for (const t of procs) await t.p.stop();
    await up.stop();
  }
}

async function main() {
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  pinSelf(LOAD_CORE);
  const out = {
    n: N,
    perEpisode: PER_EPISODE,
    episodes: Math.ceil(N / PER_EPISODE),
    notes: [],
    leftOut: [],
  };
  out.nodeStartMs = nodeStartMs();

  log(`recording a template episode of ${PER_EPISODE} interactions through the proxy`);
  const template = await recordTemplate();
  out.responseBytes = Buffer.byteLength(JSON.stringify(template[0].response.body.json, null, template[0].response.body.indent ?? 2));
  out.rowBytes = Math.round(template.reduce((n, i) => n + Buffer.byteLength(JSON.stringify(i)), 0) / template.length);

  const big = join(TMP, 'big.db');
  log(`generating ${N.toLocaleString('en')} interactions into ${big}`);
  out.generate = await generate(big, template, N, 'SQLite');
  out.storeMiB = round1((sizeOf(big) + sizeOf(`${big}-wal`)) / 2 ** 20);
  log(`generated in ${out.generate.seconds} s (${out.generate.perSecond}/s), ${out.storeMiB} MiB`);

  // Lookups: random episodes (deterministic), random step; first touch loads the episode.
  const rand = rng(42);
  const pick = () => {
    const e = Math.floor(rand() * out.episodes);
    const j = Math.floor(rand() * Math.min(PER_EPISODE, N - e * PER_EPISODE));
    return { episode: episodeId(e), body: requestBody({ prompt: prompt(j) }) };
  };
  const first = pick();
  const { proc, base, ready } = await timeReady(big, first);
  out.ready = ready;
  log(
    `ready: --json line ${ready.jsonLineMs} ms, health ${ready.healthMs} ms, first answer ${ready.firstAnswerMs} ms (HTTP ${ready.status})`,
  );
  try {
    const touched = new Set([first.episode]);
    const items = [];
    for (let i = 0; i < LOOKUPS; i++) {
      const l = pick();
      items.push({
        headers: { 'x-cassette-episode': l.episode },
        body: l.body,
        group: touched.has(l.episode) ? 'warm' : 'first-touch',
      });
      touched.add(l.episode);
    }
    const url = `${base}/openai/v1/chat/completions`;
    const random = await runLoad(
      {
        kind: 'sequence',
        url,
        headers: HEADERS,
        items,
        groupBy: true,
        pids: { proxy: proc.pid },
      },
      { core: LOAD_CORE },
    );
    const memoryAfter = memOf(proc.pid);
    const touchedList = [...touched];
    const warmItems = Array.from({ length: LOOKUPS }, () => {
      const ep = touchedList[Math.floor(rand() * touchedList.length)];
      const j = Math.floor(rand() * PER_EPISODE);
      return {
        headers: { 'x-cassette-episode': ep },
        body: requestBody({ prompt: prompt(j) }),
      };
    });
    const warm = await runLoad(
      {
        kind: 'sequence',
        url,
        headers: HEADERS,
        items: warmItems,
        pids: { proxy: proc.pid },
      },
      { core: LOAD_CORE },
    );
    const memoryAfterWarm = memOf(proc.pid);
    // The limit of this client and machine: the bare server asked the same sequence on the same core.
    const barePort = await freePort();
    const bare = await spawnNode('bare (limit)', [join(BENCH_DIR, 'servers', 'bare.js'), '--port', String(barePort)], { core: PROXY_CORE });
    let limit;
    try {
      limit = await runLoad(
        {
          kind: 'sequence',
          url: `http://127.0.0.1:${barePort}/v1/chat/completions`,
          headers: HEADERS,
          items: warmItems,
          pids: { proxy: bare.pid },
        },
        { core: LOAD_CORE },
      );
    } finally {
      await bare.stop();
    }
    out.lookups = { random, warm, limit, memoryAfter, memoryAfterWarm, touchedEpisodes: touched.size };
    const g = random.groups;
    log(
      `lookups: first touch p50 ${g['first-touch']?.p50} ms p99 ${g['first-touch']?.p99} ms; warm p50 ${warm.totalMs.p50} ms p99 ${warm.totalMs.p99} ms (bare server: p50 ${limit.totalMs.p50} ms p99 ${limit.totalMs.p99} ms); RSS ${memoryAfter.rssMiB} MiB; status ${JSON.stringify(random.status)}`,
    );
  } finally {
    await proc.stop();
  }

  // Export of the whole store.
  const exportDir = join(TMP, 'export-big');
  const exportTimeout = Math.max(120_000, N * 3);
  log(`exporting ${N.toLocaleString('en')} interactions (timeout ${exportTimeout / 1000} s)`);
  out.export = await exportStoreTimed(big, exportDir, exportTimeout);
  log(`export: ${out.export.seconds} s via ${out.export.how}; ${out.export.note}`);
  rmSync(exportDir, { recursive: true, force: true });

  // Contract drift over the whole store: learn the baselines, then check the newest takes against them.
  const contractsDir = join(TMP, 'contracts-big');
  out.contract = {};
  for (const step of ['update', 'check']) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [CLI, 'contract', step, '--store', big, '--contracts', contractsDir, '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: Math.max(120_000, N * 2),
    });
    out.contract[step] = { seconds: Number(((performance.now() - t0) / 1000).toFixed(1)), exitCode: r.status };
    log(`contract ${step}: ${out.contract[step].seconds} s, exit ${r.status}`);
  }
  rmSync(contractsDir, { recursive: true, force: true });

  // Live recording with 8 concurrent clients: into an empty store, and into the big one.
  try {
    out.record = await recordInto([
      [join(TMP, 'empty.db'), 'empty store'],
      [big, `store of ${N.toLocaleString('en')}`],
    ]);
  } catch (err) {
    out.record = [{ label: 'empty store and big store', error: err.message.split('\n')[0] }];
  }

  // Directory store of DIR_N interactions: spawn → first answer.
  const small = join(TMP, 'small.db');
  const dir = join(TMP, 'dir-store');
  const t0 = performance.now();
  await generate(small, template, DIR_N, 'SQLite (for the directory store)');
  const exp = await exportStoreTimed(small, dir, 300_000);
  let how = `generated in SQLite, then ${exp.how.replace(/: no .*/, '')}`;
  if (exp.seconds === null) {
    // Fall back to writing the directory store directly through the store API.
    rmSync(dir, { recursive: true, force: true });
    await generate(dir, template, DIR_N, 'directory store');
    how = 'written directly (`openStore(dir).beginTake().append()`)';
    out.notes.push(`export to a directory failed (${exp.note}); the directory store was written directly.`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const dirEpisodes = Math.ceil(DIR_N / PER_EPISODE);
  const e = Math.floor(rng(7)() * dirEpisodes);
  try {
    const r = await timeReady(dir, {
      episode: episodeId(e),
      body: requestBody({ prompt: prompt(3) }),
    });
    await r.proc.stop();
    out.directory = {
      n: DIR_N,
      how,
      seconds: round1(seconds),
      sizeMiB: round1(sizeOf(dir) / 2 ** 20),
      files: countFiles(dir),
      jsonLineMs: r.ready.jsonLineMs,
      firstAnswerMs: r.ready.status === 200 ? r.ready.firstAnswerMs : null,
      status: r.ready.status,
    };
    log(`directory store of ${DIR_N}: first answer ${r.ready.firstAnswerMs} ms after spawn (HTTP ${r.ready.status})`);
  } catch (err) {
    out.directory = {
      n: DIR_N,
      how,
      seconds: round1(seconds),
      sizeMiB: round1(sizeOf(dir) / 2 ** 20),
      files: countFiles(dir),
      jsonLineMs: null,
      firstAnswerMs: null,
    };
    out.notes.push(`directory store: ${err.message.split('\n')[0]}`);
  }

  out.notes.push(
    `every episode holds the same ${PER_EPISODE} requests (a test suite recorded ${out.episodes.toLocaleString('en')} times); keys and stored form come from a real recording through the proxy.`,
  );
  stopLoadWorkers();
  // TMP is <run dir>/scale: remove the run dir too, unless the caller named it (BENCH_TMP).
  if (env.BENCH_KEEP_TMP !== '1') rmSync(env.BENCH_TMP ? TMP : dirname(TMP), { recursive: true, force: true });
  const json = JSON.stringify(out, null, 2);
  if (OUT) writeFileSync(OUT, json + '\n');
  else process.stdout.write(json + '\n');
}

main().catch((err) => {
  process.stderr.write(`scale failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
