// The UI over a big store: BENCH_UI_N interactions (default 100,000; BENCH_UI_PER_EPISODE per
// episode, default 100; ~1 KB each) written through the store API (importTake), then `cassette ui`
// (from dist/, in its own process) asked over HTTP what the page asks: the very first page of a
// fresh process, then BENCH_UI_RUNS times each (default 100) the first page, a rare and a common
// search, a model filter sorted by cost, the last page (offset), the next page (cursor), and one
// episode's steps; p50 and p99 of each, and memory. BENCH_UI_STORE=dir uses a directory store;
// BENCH_UI_KEEP=PATH keeps the store there (and reuses it when it exists) for profiling runs.
// Prints one JSON document; `--out FILE` writes it.
//   node bench/ui-scale.js [--out bench/results/ui-scale.json]
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib/procs.js';

const N = Number(process.env.BENCH_UI_N ?? 100_000);
const PER_EPISODE = Number(process.env.BENCH_UI_PER_EPISODE ?? 100);
const RUNS = Number(process.env.BENCH_UI_RUNS ?? 100);
const KIND = process.env.BENCH_UI_STORE === 'dir' ? 'dir' : 'sqlite';
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-sonnet-4-0'];
const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa'.split(' ');

const { openStore } = await import(join(ROOT, 'dist/store/open-store.js'));

function interaction(e, j) {
  const model = MODELS[(e + j) % MODELS.length];
  const prompt = `step ${j} of episode ${e}: ${WORDS[(e * 7 + j) % WORDS.length]} ${WORDS[(e + j * 3) % WORDS.length]}${e === 424 && j === Math.min(7, PER_EPISODE - 1) ? ' zanzibar' : ''}`;
  const text = `answer to ${prompt} `.repeat(8);
  return {
    episode: `ep-${String(e).padStart(5, '0')}`,
    take: 1,
    position: j + 1,
    provider: 'openai',
    family: 'openai',
    key: `k${e}-${j}`,
    keyVersion: 1,
    occurrence: 1,
    request: {
      method: 'POST',
      path: '/v1/chat/completions',
      query: [],
      headers: {},
      body: { kind: 'json', json: { model, messages: [{ role: 'user', content: prompt }] } },
    },
    response: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: {
        kind: 'json',
        json: {
          id: `c${e}-${j}`,
          object: 'chat.completion',
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 20, completion_tokens: 80, total_tokens: 100 },
        },
      },
    },
    complete: true,
    timings: { ttfbMs: 100 + (j % 50), totalMs: 300 + (j % 200) },
    usage: { inputTokens: 20, outputTokens: 80 },
    costUsd: 0.0001,
    assembled: { text, toolCalls: [], finishReason: 'stop', model },
    recordedAt: new Date(Date.UTC(2026, 0, 1) + e * 60_000).toISOString(),
    productVersion: 'bench',
  };
}

async function timed(fn, runs = RUNS) {
  const times = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    last = await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (q) => round(times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]);
  return { p50: at(0.5), p99: at(0.99), max: round(times.at(-1)), last };
}

const round = (n) => Math.round(n * 10) / 10;
const KEEP = process.env.BENCH_UI_KEEP;
const dir = KEEP ? undefined : mkdtempSync(join(tmpdir(), 'cassette-ui-bench-'));
const path = KEEP ?? join(dir, KIND === 'dir' ? 'cassettes' : 'big.db');
try {
  let t = performance.now();
  const reuse = KEEP !== undefined && existsSync(KEEP);
  const store = await openStore(path);
  const episodes = Math.ceil(N / PER_EPISODE);
  for (let e = 0; e < (reuse ? 0 : episodes); e++) {
    const list = Array.from({ length: PER_EPISODE }, (_, j) => interaction(e, j));
    const at = list[0].recordedAt;
    await store.importTake(
      { episode: list[0].episode, take: 1, createdAt: at, closedAt: at, mode: 'live', interactions: PER_EPISODE, incomplete: 0 },
      list,
    );
  }
  await store.close();
  const writeSeconds = round((performance.now() - t) / 1000);

  // `cassette ui` as a user starts it: its own process, the bench asking over HTTP like the page does.
  const child = spawn(process.execPath, [join(ROOT, 'bin/cassette.js'), 'ui', '--store', path, '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const server = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s) => {
      out += s;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
    });
    child.once('exit', (code) => reject(new Error(`cassette ui exited with ${code}`)));
  });
  const get = async (p) => {
    const res = await fetch(`${server.url}/api/${p}`);
    if (!res.ok) throw new Error(`${p}: HTTP ${res.status}`);
    return res.json();
  };
  t = performance.now();
  const first = await get('episodes?limit=50');
  const firstAnswerMs = round(performance.now() - t);
  const rssMb = () => Math.round(Number(readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)?.[1] ?? 0) / 1024);
  const list = await timed(() => get('episodes?limit=50'));
  const search = await timed(() => get('episodes?q=zanzibar&limit=50'));
  const searchCommon = await timed(() => get('episodes?q=alpha%20bravo&limit=50'));
  const model = await timed(() => get('episodes?model=gpt-4o&sort=cost&limit=50'));
  const deep = await timed(() => get(`episodes?sort=episode&offset=${Math.max(0, episodes - 50)}&limit=50`));
  const cursor = await timed(() => get(`episodes?limit=50&cursor=${encodeURIComponent(first.nextCursor)}`));
  const episode = await timed(() => get('episodes/ep-00424'), Math.min(RUNS, 20));
  const rss = rssMb();
  child.kill('SIGTERM');
  const ms = (x) => ({ p50: x.p50, p99: x.p99, max: x.max });
  const result = {
    store: KIND,
    interactions: N,
    episodes,
    runs: RUNS,
    writeSeconds,
    firstAnswerMs,
    firstAnswerItems: first.items.length,
    firstAnswerTotal: first.total,
    listMs: ms(list),
    listItems: list.last.items.length,
    searchRareMs: ms(search),
    searchRareFound: search.last.items.map((r) => r.episode),
    searchCommonMs: ms(searchCommon),
    searchCommonTotal: searchCommon.last.total,
    modelFilterMs: ms(model),
    lastPageMs: ms(deep),
    cursorPageMs: ms(cursor),
    episodeStepsMs: ms(episode),
    episodeSteps: episode.last.steps.length,
    rssMb: rss,
  };
  const out = process.argv.indexOf('--out');
  if (out !== -1) writeFileSync(process.argv[out + 1], `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
