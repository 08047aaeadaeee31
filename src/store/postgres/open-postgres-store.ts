import pg from 'pg';
import { connectionUrl } from '../store-location.js';
import type { Store } from '../store.js';
import { storeError } from './postgres-error.js';
import { migratePostgres, PostgresStore } from './postgres-store.js';

/** Connections of one proxy's pool. */
const POOL_SIZE = 10;

/**
 * Opens the PostgreSQL store at `location` (printable: its password, if any, was kept aside by
 * `printableStore`, see store-location.ts): a pool of connections, the schema created or migrated
 * unless read-only. Connection failures become `store_unreachable`, naming the store without its
 * password.
 */
export async function openPostgresStore(location: string, options: { readonly?: boolean } = {}): Promise<Store> {
  const readonly = options.readonly ?? false;
  const pool = new pg.Pool({
    connectionString: connectionUrl(location),
    max: POOL_SIZE,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'llm-cassette',
  });
  // An idle connection the server dropped (restart, partition): the next query reconnects. Without
  // a listener the pool's 'error' event would end the process.
  pool.on('error', () => undefined);
  try {
    await migratePostgres(pool, location, readonly);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw storeError(err, location, 'open');
  }
  return new PostgresStore(pool, location, readonly, connectionUrl(location));
}
