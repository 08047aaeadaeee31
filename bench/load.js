// Load generator, run in a process of its own (pinned apart from the proxy by bench/run.js).
//   node bench/load.js '<json spec>'      prints one JSON line with the result
//   node bench/load.js --serve            a worker: one spec per stdin line, one result per stdout line
//
// spec.kind:
//   "autocannon": {url, method, headers, body, uniqueBody, connections, duration, warmup, pids}
//       a warm-up run, then a measured run; latency from every response (sub-millisecond), CPU of
//       the processes in `pids` ({name: pid}) read from /proc over the measured run only.
//   "sequence":   {url, headers, bodies: [string] | bodyTemplate+count, warmup, pids, episodes?}
//       one request at a time on a keep-alive connection; time to first byte, time to the first
//       SSE event (`data:`), time to the end, per request.
// Every run is bounded: by duration (autocannon) or by the count of requests (sequence).
import { request, Agent } from 'node:http';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { summarize } from './lib/stats.js';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

const CLK_TCK = 100;

/** utime+stime of a process in ms (0 when it is gone). */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  } catch {
    return 0;
  }
}

function cpuOf(pids) {
  return Object.fromEntries(Object.entries(pids ?? {}).map(([k, pid]) => [k, cpuMs(pid)]));
}

let counter = 0;

function cannon(spec, duration, record) {
  return new Promise((resolve, reject) => {
    const latencies = [];
    const status = {};
    // A unique body per request: `[<id>]` in the body replaced by a counter. (autocannon's own
    // idReplacement assumes 27-character ids when it computes content-length; its ids are not
    // always that long, and a wrong content-length stalls the request.)
    const unique = spec.uniqueBody
      ? {
          requests: [
            {
              method: spec.method ?? 'POST',
              setupRequest: (req) => ({
                ...req,
                body: spec.body.replace('[<id>]', `${process.pid}-${++counter}`),
              }),
            },
          ],
        }
      : {};
    const instance = autocannon(
      {
        url: spec.url,
        method: spec.method ?? 'POST',
        headers: spec.headers ?? {},
        body: spec.body,
        ...unique,
        connections: spec.connections ?? 10,
        pipelining: 1,
        duration,
        timeout: 10,
      },
      (err, result) => (err ? reject(err) : resolve({ result, latencies, status })),
    );
    if (record) {
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        latencies.push(responseTime);
        status[statusCode] = (status[statusCode] ?? 0) + 1;
      });
    }
  });
}

async function runAutocannon(spec) {
  if (spec.warmup > 0) await cannon(spec, spec.warmup, false);
  const cpu0 = cpuOf(spec.pids);
  const t0 = process.hrtime.bigint();
  const { result, latencies, status } = await cannon(spec, spec.duration ?? 5, true);
  const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = cpuOf(spec.pids);
  const ok = Object.entries(status).reduce((n, [code, c]) => (code >= 200 && code < 300 ? n + c : n), 0);
  const total = latencies.length;
  const cpu = {};
  for (const k of Object.keys(cpu0)) {
    const ms = cpu1[k] - cpu0[k];
    cpu[k] = {
      ms,
      perRequestUs: total ? Math.round((ms * 1000) / total) : null,
      utilization: Math.round((ms / (elapsedS * 1000)) * 100) / 100,
    };
  }
  return {
    kind: 'autocannon',
    connections: spec.connections ?? 10,
    durationS: Math.round(elapsedS * 100) / 100,
    requests: total,
    ok,
    rps: Math.round(ok / elapsedS),
    latencyMs: summarize(latencies),
    status,
    errors: result.errors,
    timeouts: result.timeouts,
    bytesPerResponse: total ? Math.round(result.throughput.total / total) : 0,
    cpu,
    ...(spec.samples ? { samples: latencies.map((x) => Math.round(x * 1000) / 1000) } : {}),
  };
}

function oneRequest(agent, url, headers, body) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const t0 = performance.now();
    let ttfb = null;
    let firstEvent = null;
    let bytes = 0;
    let seen = '';
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.on('data', (chunk) => {
          const now = performance.now();
          if (ttfb === null) ttfb = now - t0;
          bytes += chunk.length;
          if (firstEvent === null) {
            seen += chunk.toString('latin1');
            if (seen.includes('\n\n') || seen.includes('\r\n\r\n')) firstEvent = now - t0;
            else if (seen.length > 65536) seen = seen.slice(-16);
          }
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            ttfb,
            firstEvent: firstEvent ?? (res.headers['content-type']?.includes('event-stream') ? null : ttfb),
            total: performance.now() - t0,
            bytes,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
    req.end(body);
  });
}

async function runSequence(spec) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const items =
    spec.items ??
    Array.from({ length: spec.count }, (_, i) => ({
      body: spec.bodyTemplate.replace('[<id>]', `${spec.idPrefix ?? 'q'}-${i}`),
    }));
  const warm = spec.warmup ?? 0;
  const warmItems = Array.from({ length: warm }, (_, i) => ({
    body: (spec.bodyTemplate ?? items[0].body).replace('[<id>]', `${spec.idPrefix ?? 'q'}-warm-${i}`),
    headers: items[0].headers,
  }));
  for (const it of warmItems) await oneRequest(agent, it.url ?? spec.url, { ...spec.headers, ...it.headers }, it.body);
  const cpu0 = cpuOf(spec.pids);
  const rows = [];
  for (const it of items) rows.push(await oneRequest(agent, it.url ?? spec.url, { ...spec.headers, ...it.headers }, it.body));
  const cpu1 = cpuOf(spec.pids);
  agent.destroy();
  const status = {};
  for (const r of rows) status[r.status] = (status[r.status] ?? 0) + 1;
  const pick = (f) => rows.map(f).filter((x) => x !== null && x !== undefined);
  // Optional split: the first request of each group (e.g. first touch of an episode) vs the rest.
  let groups;
  if (spec.groupBy) {
    const by = {};
    rows.forEach((r, i) => (by[items[i].group ?? 'all'] ??= []).push(r));
    groups = Object.fromEntries(
      Object.entries(by).map(([g, rs]) => [
        g,
        {
          ...summarize(rs.map((r) => r.total)),
          ttfbMs: summarize(rs.map((r) => r.ttfb).filter((x) => x !== null)),
          firstEventMs: summarize(rs.map((r) => r.firstEvent).filter((x) => x !== null)),
          status: rs.reduce((m, r) => ((m[r.status] = (m[r.status] ?? 0) + 1), m), {}),
        },
      ]),
    );
  }
  return {
    kind: 'sequence',
    requests: rows.length,
    status,
    ttfbMs: summarize(pick((r) => r.ttfb)),
    firstEventMs: summarize(pick((r) => r.firstEvent)),
    totalMs: summarize(pick((r) => r.total)),
    bytesPerResponse: rows.length ? Math.round(rows.reduce((a, r) => a + r.bytes, 0) / rows.length) : 0,
    ...(groups ? { groups } : {}),
    cpu: Object.fromEntries(Object.keys(cpu0).map((k) => [k, { ms: cpu1[k] - cpu0[k] }])),
  };
}

function run(spec) {
  return spec.kind === 'sequence' ? runSequence(spec) : runAutocannon(spec);
}

async function main() {
  const arg = process.argv[2];
  if (arg === '--serve') {
    // A worker: one JSON spec per stdin line, one JSON result (or {"error"}) per stdout line, in
    // order; exits when stdin closes. Saves a process start per measured turn.
    const { createInterface } = await import('node:readline');
    for await (const line of createInterface({ input: process.stdin })) {
      if (!line.trim()) continue;
      try {
        process.stdout.write(JSON.stringify(await run(JSON.parse(line))) + '\n');
      } catch (err) {
        process.stdout.write(JSON.stringify({ error: String(err.stack ?? err) }) + '\n');
      }
    }
    return;
  }
  const spec = JSON.parse(arg.startsWith('@') ? readFileSync(arg.slice(1), 'utf8') : arg);
  process.stdout.write(JSON.stringify(await run(spec)) + '\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    process.stderr.write(`load.js: ${err.stack ?? err}\n`);
    process.exit(1);
  });
}
