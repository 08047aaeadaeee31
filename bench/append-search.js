// The write cost of the episode search index: appendGroup of realistic rows (a ~300-character
// prompt, a ~2,500-character answer of ordinary words, groups of 4 as under load) into a fresh
// SQLite store, timed per append. Runs the build in --root (default: this checkout), so a build of
// an older commit gives the "before" figure on the same machine in the same minute. Then the
// first search, timed: since migration 6 it indexes the words of every row recorded before it
// (the backlog, src/store/sqlite-search-backlog.ts), so its cost per 1,000 rows is the catch-up's.
//   node bench/append-search.js [--root DIR] [--n 4000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT } from './lib/procs.js';

const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : process.argv[at + 1];
};
const root = resolve(arg('--root', ROOT));
const N = Number(arg('--n', 4000));
const { openStore } = await import(join(root, 'dist/store/open-store.js'));

// A vocabulary with a long tail, as text has: a few words very common, most rare.
const VOCAB = Array.from({ length: 5000 }, (_, n) => `w${n.toString(36)}${'aeiou'[n % 5]}`);
let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const text = (chars) => {
  let s = '';
  while (s.length < chars) s += `${VOCAB[Math.floor(rand() ** 3 * VOCAB.length)]}${rand() < 0.1 ? '. ' : ' '}`;
  return s;
};

function interaction(episode, position) {
  const prompt = text(300);
  const answer = text(2500);
  return {
    episode,
    take: 1,
    position,
    provider: 'openai',
    family: 'openai',
    key: `k${position}`,
    keyVersion: 1,
    occurrence: 1,
    request: {
      method: 'POST',
      path: '/v1/chat/completions',
      query: [],
      headers: {},
      body: { kind: 'json', json: { model: 'gpt-4o', messages: [{ role: 'user', content: prompt }] } },
    },
    response: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: {
        kind: 'json',
        json: {
          id: `c${position}`,
          object: 'chat.completion',
          model: 'gpt-4o',
          choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 80, completion_tokens: 600, total_tokens: 680 },
        },
      },
    },
    complete: true,
    timings: { ttfbMs: 100, totalMs: 300 },
    usage: { inputTokens: 80, outputTokens: 600 },
    costUsd: 0.001,
    assembled: { text: answer, toolCalls: [], finishReason: 'stop', model: 'gpt-4o' },
    recordedAt: new Date().toISOString(),
    productVersion: 'bench',
  };
}

const dir = mkdtempSync(join(tmpdir(), 'cassette-append-search-'));
try {
  const store = await openStore(join(dir, 'bench.db'));
  const writers = [];
  for (let w = 0; w < 4; w++) writers.push(await store.beginTake(`ep-${w}`, 'live'));
  const rows = Array.from({ length: N }, (_, n) => ({
    writer: writers[n % 4],
    interaction: interaction(`ep-${n % 4}`, Math.floor(n / 4) + 1),
  }));
  const times = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let n = 0; n < N; n += 4) {
    const group = rows
      .slice(n, n + 4)
      .map((r) => ({ writer: r.writer, interaction: { ...r.interaction, position: r.writer.nextPosition() } }));
    const t = performance.now();
    const results = await store.appendGroup(group);
    times.push((performance.now() - t) / group.length);
    if (results.some(Boolean)) throw results.find(Boolean);
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpu1 = process.cpuUsage();
  const t1 = performance.now();
  const found = await store.summarizeEpisodes({ q: VOCAB[0] });
  const searchWall = performance.now() - t1;
  const searchCpu = process.cpuUsage(cpu1);
  if (found.total === 0) throw new Error('the first search found nothing');
  await store.close();
  times.sort((a, b) => a - b);
  const q = (p) => Math.round(times[Math.floor(p * (times.length - 1))] * 1000) / 1000;
  console.log(
    JSON.stringify({
      root,
      n: N,
      perAppendMs: { mean: Math.round((wall / N) * 1000) / 1000, p50: q(0.5), p99: q(0.99) },
      cpuPerAppendMs: Math.round(((cpu.user + cpu.system) / 1000 / N) * 1000) / 1000,
      firstSearchPer1000RowsMs: {
        wall: Math.round((searchWall / N) * 1000 * 10) / 10,
        cpu: Math.round(((searchCpu.user + searchCpu.system) / 1000 / N) * 1000 * 10) / 10,
      },
      load: (await import('node:os')).loadavg().map((l) => Math.round(l * 10) / 10),
    }),
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
