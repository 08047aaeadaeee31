// Golden's memory under fresh episode ids and misses (issue 13 item 9): starts `cassette serve
// --mode golden` on an empty store, sends misses on a new episode id each (and every 10th on one
// episode id, explained), and prints the proxy's RSS and `/__cassette/stats` `memory` over time.
//
//   npm run build && node bench/golden-memory.js [seconds=60] [clients=8]
//
// Prints one JSON line per sample (every 5 s) and a last line with the peak RSS.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Agent, fetch } from 'undici';

const seconds = Number(process.argv[2] ?? 60);
const clients = Number(process.argv[3] ?? 8);
const dir = mkdtempSync(join(tmpdir(), 'cassette-golden-memory-'));
const cli = resolve(import.meta.dirname, '../bin/cassette.js');
const child = spawn(process.execPath, [cli, 'serve', '--json', '--port', '0', '--mode', 'golden', '--store', join(dir, 'store.db')], {
  stdio: ['ignore', 'pipe', 'ignore'],
});
const url = await new Promise((done, fail) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    if (out.includes('\n')) done(JSON.parse(out.slice(0, out.indexOf('\n'))).url);
  });
  child.once('exit', (code) => fail(new Error(`the proxy exited (${code})`)));
});
const rssMiB = () => {
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
};
const agent = new Agent({ connections: clients });
const started = Date.now();
let sent = 0;
const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
const sample = async () => {
  const stats = await (await fetch(`${url}/__cassette/stats`, { dispatcher: agent })).json();
  console.log(JSON.stringify({ s: Math.round((Date.now() - started) / 1000), requests: sent, rssMiB: rssMiB().rss, memory: stats.memory }));
};
const timer = setInterval(() => void sample(), 5_000);
await sample();
await Promise.all(
  Array.from({ length: clients }, async () => {
    while (Date.now() - started < seconds * 1000) {
      const n = sent++;
      const r = await fetch(`${url}/openai/v1/chat/completions`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', 'x-cassette-episode': n % 10 === 0 ? 'one-episode' : `fresh-${n}` },
        body,
      });
      await r.arrayBuffer();
    }
  }),
);
clearInterval(timer);
await sample();
console.log(JSON.stringify({ requests: sent, seconds, peakRssMiB: rssMiB().peak }));
child.kill('SIGTERM');
await agent.close();
rmSync(dir, { recursive: true, force: true });
