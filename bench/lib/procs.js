// Child processes of the benchmarks: spawn pinned to a core, wait until they answer, read their
// CPU time and peak memory from /proc, stop them by pid. Every child is remembered and stopped
// when the benchmark exits, whatever happens.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const ROOT = dirname(BENCH_DIR);
/** The llm-cassette under test: this checkout, or BENCH_CASSETTE_ROOT (a copy with bin/, dist/, package.json). */
export const CASSETTE_ROOT = process.env.BENCH_CASSETTE_ROOT ?? ROOT;

const live = new Set();
function killAll() {
  for (const c of live) {
    try {
      process.kill(c.pid, 'SIGKILL');
    } catch {}
  }
  live.clear();
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
}

const NICE = process.env.BENCH_NICE ? Number(process.env.BENCH_NICE) : null;

/** The command line for `node ARGS` pinned to `core` (taskset) and, with BENCH_NICE, reniced. */
export function nodeCommand(args, core) {
  let cmd = process.execPath;
  let argv = args;
  if (core !== undefined && canPin()) [cmd, argv] = ['taskset', ['-c', String(core), cmd, ...argv]];
  if (NICE !== null && Number.isFinite(NICE)) [cmd, argv] = ['nice', ['-n', String(NICE), cmd, ...argv]];
  return [cmd, argv];
}

let tasksetOk;
/** True when `taskset` exists and the machine has at least two cores to pin to. */
export function canPin() {
  if (tasksetOk === undefined) {
    const r = spawnSync('taskset', ['-c', '0', 'true']);
    tasksetOk = r.status === 0 && Number(spawnSync('nproc').stdout?.toString().trim() || 1) >= 2;
  }
  return tasksetOk;
}

/** Pins this process (all its threads) to a core. */
export function pinSelf(core) {
  if (!canPin()) return false;
  return spawnSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)]).status === 0;
}

/** A port nobody listens on right now. */
/** The arguments of `node` for `cassette serve` of the build in `root`: one mode, one store, a port of its own, `--json` line. */
export function serveArgs(root, mode, store) {
  return [join(root, 'bin', 'cassette.js'), 'serve', '--mode', mode, '--port', '0', '--store', store, '--quiet', '--json'];
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** VmHWM / VmRSS of a process, MiB. */
export function memOf(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(s)?.[1] ?? NaN);
    return {
      hwmMiB: round1(kb('VmHWM') / 1024),
      rssMiB: round1(kb('VmRSS') / 1024),
    };
  } catch {
    return { hwmMiB: null, rssMiB: null };
  }
}

export function round1(x) {
  return Math.round(x * 10) / 10;
}

/**
 * Spawns `node ARGS` (pinned to `core` when possible) and resolves once it printed its first
 * stdout line (parsed as JSON when it is) and, if `port`/`url` is known, answers TCP connects.
 */
export async function spawnNode(name, args, { core, env, cwd = ROOT, readyTimeoutMs = 20_000, nodeFlags = [] } = {}) {
  const argv = [...nodeFlags, ...args];
  const [cmd, cmdArgs] = nodeCommand(argv, core);
  const t0 = performance.now();
  const child = spawn(cmd, cmdArgs, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  exited.then(() => live.delete(child));
  const firstLine = await new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`${name}: not ready after ${readyTimeoutMs} ms\n${stderr}`)), readyTimeoutMs);
    child.stdout.on('data', function onData(d) {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve(buf.slice(0, nl));
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready\n${stderr}`));
    });
  });
  const lineAt = performance.now() - t0;
  let info = {};
  try {
    info = JSON.parse(firstLine);
  } catch {
    info = { line: firstLine };
  }
  const proc = {
    name,
    pid: child.pid,
    info,
    port: info.port,
    startedAt: t0,
    readyLineMs: lineAt,
    stderr: () => stderr,
    mem: () => memOf(child.pid),
    async stop() {
      const mem = memOf(child.pid);
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end();
        try {
          process.kill(child.pid, 'SIGTERM');
        } catch {}
        const t = await Promise.race([exited, sleep(5000).then(() => 'timeout')]);
        if (t === 'timeout') {
          try {
            process.kill(child.pid, 'SIGKILL');
          } catch {}
          await exited;
        }
      }
      return mem;
    },
  };
  if (proc.port) await waitForPort(proc.port, readyTimeoutMs);
  return proc;
}

/**
 * Spawns a non-node program (nginx) pinned to `core` and resolves once 127.0.0.1:`port` accepts
 * connections. Returns the same shape as spawnNode (pid, stop, mem, stderr).
 */
export async function spawnCommand(name, cmd, args, { core, port, readyTimeoutMs = 20_000 } = {}) {
  let [c, a] = [cmd, args];
  if (core !== undefined && canPin()) [c, a] = ['taskset', ['-c', String(core), cmd, ...args]];
  if (NICE !== null && Number.isFinite(NICE)) [c, a] = ['nice', ['-n', String(NICE), c, ...a]];
  const child = spawn(c, a, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stderr = '';
  child.stdout.resume();
  child.stderr.on('data', (d) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  exited.then(() => live.delete(child));
  const early = exited.then(({ code, signal }) => {
    throw new Error(`${name} exited (${code ?? signal}) before it was ready\n${stderr}`);
  });
  early.catch(() => undefined);
  await Promise.race([waitForPort(port, readyTimeoutMs), early]);
  return {
    name,
    pid: child.pid,
    port,
    stderr: () => stderr,
    mem: () => memOf(child.pid),
    async stop() {
      const mem = memOf(child.pid);
      if (child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(child.pid, 'SIGTERM');
        } catch {}
        const t = await Promise.race([exited, sleep(5000).then(() => 'timeout')]);
        if (t === 'timeout') {
          try {
            process.kill(child.pid, 'SIGKILL');
          } catch {}
          await exited;
        }
      }
      return mem;
    },
  };
}

/** Resolves when 127.0.0.1:port accepts a connection. */
export async function waitForPort(port, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((r) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        r(true);
      });
      s.once('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`port ${port} not open after ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** One HTTP request on 127.0.0.1; resolves {status, headers, body: Buffer}. */
export function httpRequest(url, { method = 'POST', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost') return reject(new Error(`refusing non-loopback ${url}`));
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        headers: {
          ...headers,
          ...(body ? { 'content-length': Buffer.byteLength(body) } : {}),
        },
        agent: false,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout ${url}`)));
    req.end(body);
  });
}

const workers = new Map();

/** The load generator worker pinned to `core` (one per core, started on first use). */
function loadWorker(core) {
  let w = workers.get(core);
  if (w && !w.dead) return w;
  const args = [join(BENCH_DIR, 'load.js'), '--serve'];
  const [cmd, cmdArgs] = nodeCommand(args, core);
  const child = spawn(cmd, cmdArgs, {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  w = { child, queue: [], buf: '', err: '', dead: false };
  const me = w;
  child.stdout.on('data', (d) => {
    me.buf += d;
    let nl;
    while ((nl = me.buf.indexOf('\n')) >= 0) {
      const line = me.buf.slice(0, nl);
      me.buf = me.buf.slice(nl + 1);
      me.queue.shift()?.(line);
    }
  });
  child.stderr.on('data', (d) => (me.err = (me.err + d).slice(-4000)));
  child.on('exit', () => {
    me.dead = true;
    live.delete(child);
    for (const cb of me.queue.splice(0)) cb(JSON.stringify({ error: `load worker exited: ${me.err}` }));
  });
  child.unref();
  child.stdout.unref?.();
  child.stderr.unref?.();
  workers.set(core, w);
  return w;
}

/** Stops the load generator workers (they also stop when this process exits). */
export function stopLoadWorkers() {
  for (const w of workers.values()) w.child.stdin.end();
  workers.clear();
}

/** Runs `spec` in the load generator process pinned to `core` (bench/load.js); resolves its JSON. */
export function runLoad(spec, { core, timeoutMs } = {}) {
  const limit = timeoutMs ?? ((spec.duration ?? 5) + (spec.warmup ?? 0)) * 1000 + 60_000;
  const w = loadWorker(core);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      try {
        process.kill(w.child.pid, 'SIGKILL');
      } catch {}
      reject(new Error(`load generator did not finish within ${limit} ms`));
    }, limit);
    w.queue.push((line) => {
      clearTimeout(timer);
      let out;
      try {
        out = JSON.parse(line);
      } catch {
        return reject(new Error(`load.js printed no JSON: ${line}`));
      }
      if (out.error) reject(new Error(`load.js: ${out.error}`));
      else resolve(out);
    });
    w.child.stdin.write(JSON.stringify(spec) + '\n');
  });
}

/** Load average (1 min) right now. */
export function loadavg() {
  try {
    return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
  } catch {
    return null;
  }
}

export function exists(p) {
  return existsSync(p);
}
