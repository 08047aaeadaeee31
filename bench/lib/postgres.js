// A PostgreSQL server for the benchmarks, started by scripts/postgres.mjs (shared with the tests'
// test/helpers/postgres.ts): 127.0.0.1 only, a free port, data under the OS temp dir, fsync off (a
// benchmark store is thrown away). As root the server runs as the `postgres` user.
//
//   const pg = await startPostgres();   // { port, password, url(db), createDatabase(), stop() }
//   await pg.stop();                     // stops it and removes its data dir
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminQuery as query, initCluster, PG_USER, startServer } from '../../scripts/postgres.mjs';

export async function adminQuery(port, password, sql, database = 'postgres') {
  return query({ port, password }, sql, database);
}

/** Starts a private server; `shared_buffers` as given (the tests use 32MB). */
export async function startPostgres({ sharedBuffers = '128MB' } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'cassette-bench-pg-'));
  chmodSync(root, 0o755);
  const dataDir = join(root, 'data');
  const info = await initCluster(dataDir);
  const { port, password } = info;
  // prettier-ignore
  const child = await startServer(dataDir, info, join(root, 'server.log'), {
    settings: ['max_connections=100', `shared_buffers=${sharedBuffers}`, 'max_wal_size=4GB', 'maintenance_work_mem=256MB'],
  });
  const kill = () => child.kill('SIGQUIT');
  process.once('exit', kill);
  return {
    port,
    password,
    pid: child.pid,
    /** A URL without the password (give it in PGPASSWORD: nothing prints it). */
    url: (db) => `postgres://${PG_USER}@127.0.0.1:${port}/${db}`,
    async createDatabase(name) {
      await adminQuery(port, password, `CREATE DATABASE ${name}`);
      return `postgres://${PG_USER}@127.0.0.1:${port}/${name}`;
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
