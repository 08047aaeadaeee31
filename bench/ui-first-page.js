// The first page of a fresh `cassette ui`, phase by phase, as a browser loads it: the process
// started until it prints its URL (node start, CLI, config, store open with the migrations check,
// listen), then the HTML, app.js and app.css, then the first `api/episodes` page. Median over
// --runs fresh processes (default 5) on an existing store (make one with BENCH_UI_KEEP=PATH node
// bench/ui-scale.js). `--cpu-prof DIR` writes a V8 CPU profile of each process there.
//   node bench/ui-first-page.js --store /tmp/big.db [--runs 5] [--cpu-prof DIR]
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib/procs.js';

const arg = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at === -1 ? fallback : process.argv[at + 1];
};
const store = arg('--store');
if (!store) throw new Error('--store PATH is required');
const runs = Number(arg('--runs', 5));
const prof = arg('--cpu-prof');
const root = arg('--root', ROOT);

async function once() {
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [...(prof ? ['--cpu-prof', '--cpu-prof-dir', prof] : []), join(root, 'bin/cassette.js'), 'ui', '--store', store, '--json'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const server = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s) => {
      out += s;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
    });
    child.once('exit', (code) => reject(new Error(`cassette ui exited with ${code}`)));
  });
  const phases = { listening: performance.now() - t0 };
  const get = async (name, path) => {
    const t = performance.now();
    const res = await fetch(`${server.url}/${path}`);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
    phases[name] = performance.now() - t;
  };
  await get('html', '');
  await Promise.all([get('appJs', 'app.js'), get('appCss', 'app.css')]);
  await get('firstEpisodes', 'api/episodes?limit=50');
  phases.firstPage = performance.now() - t0;
  await get('secondEpisodes', 'api/episodes?limit=50');
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await exited;
  return phases;
}

const all = [];
for (let n = 0; n < runs; n++) all.push(await once());
const median = (k) => {
  const v = all.map((p) => p[k]).sort((a, b) => a - b);
  return Math.round(v[Math.floor((v.length - 1) / 2)]);
};
console.log(
  JSON.stringify({
    runs,
    medianMs: Object.fromEntries(Object.keys(all[0]).map((k) => [k, median(k)])),
    load: loadavg().map((l) => Math.round(l * 10) / 10),
  }),
);
