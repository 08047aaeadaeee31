// nginx as the reference forwarder of the benchmark: the ceiling for any proxy hop on this machine.
// One worker (no master process, so its CPU is one pid), keep-alive to the upstream, no buffering
// either way, loopback only. Installed with apt when missing (apt-get update first); when that is
// impossible the caller gets a reason and skips the nginx line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, spawnCommand } from './procs.js';

const CANDIDATES = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'];

function findNginx() {
  const r = spawnSync('sh', ['-c', 'command -v nginx']);
  const onPath = r.status === 0 ? r.stdout.toString().trim() : '';
  if (onPath) return onPath;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/**
 * The nginx binary, installing it with apt when it is missing. Returns {bin} or {reason} (why the
 * nginx line is skipped). `log` reports what is being done.
 */
export function ensureNginx(log) {
  let bin = findNginx();
  if (bin) return { bin };
  if (spawnSync('sh', ['-c', 'command -v apt-get']).status !== 0) return { reason: 'nginx is not installed and apt-get is not available' };
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  if (!root && spawnSync('sudo', ['-n', 'true']).status !== 0)
    return { reason: 'nginx is not installed, and installing it needs root (sudo -n failed)' };
  log('nginx is missing: apt-get update, then apt-get install nginx-light (the reference forwarder)');
  const run = (args) =>
    spawnSync(sudo[0] ?? args[0], [...sudo.slice(1), ...(sudo.length ? args : args.slice(1))], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 300_000,
    });
  const update = run(['apt-get', 'update', '-qq']);
  if (update.status !== 0) return { reason: `apt-get update failed: ${update.stderr?.toString().trim().slice(-200)}` };
  let install = run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'nginx-light']);
  if (install.status !== 0) install = run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'nginx']);
  bin = findNginx();
  if (!bin) return { reason: `apt-get install nginx failed: ${install.stderr?.toString().trim().slice(-200)}` };
  return { bin };
}

/** Starts nginx forwarding 127.0.0.1:<free port> to `upstreamPort`, pinned to `core`. */
export async function startNginx(bin, dir, upstreamPort, core) {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const root = process.getuid?.() === 0;
  const conf = `# written by bench/lib/nginx.js
daemon off;
master_process off;
worker_processes 1;
${root ? 'user root;' : ''}
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  keepalive_requests 100000;
  upstream up {
    server 127.0.0.1:${upstreamPort};
    keepalive 64;
    keepalive_requests 100000;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://up;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
      proxy_request_buffering off;
    }
  }
}
`;
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, conf);
  const p = await spawnCommand('nginx', bin, ['-p', dir, '-c', file, '-e', join(dir, 'error.log')], { core, port });
  p.url = `http://127.0.0.1:${port}/v1/chat/completions`;
  return p;
}
