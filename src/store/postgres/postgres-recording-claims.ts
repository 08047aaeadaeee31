import { createHash } from 'node:crypto';
import pg from 'pg';
import type { RecordingClaim, RecordingClaims } from '../recording-claims.js';
import { storeError } from './postgres-error.js';

/** The channel released claims are announced on; the payload is the lock key. */
const CHANNEL = 'cassette_recording_released';
/** A holder that died without a word (its connection cut) is noticed this often. */
const POLL_MS = 250;

/**
 * Single-flight claims for proxies on many machines sharing one PostgreSQL store: a claim is a
 * session-level advisory lock (`pg_try_advisory_lock`) held on one connection of this process kept
 * apart from the pool, so a holder that crashes or loses its connection loses its claims with it
 * (the server releases a session's locks when the session ends). A release is announced with
 * `NOTIFY`; waiters `LISTEN` and also look again every POLL_MS, for holders that died silently.
 */
export class PostgresRecordingClaims implements RecordingClaims {
  readonly #connectionString: string;
  readonly #location: string;
  #client: Promise<pg.Client> | undefined;
  readonly #waiters = new Map<string, Set<() => void>>();
  #closed = false;

  constructor(connectionString: string, location: string) {
    this.#connectionString = connectionString;
    this.#location = location;
  }

  async tryClaim(episode: string, key: string): Promise<RecordingClaim | undefined> {
    const lock = lockKey(episode, key);
    const client = await this.#connection();
    const won = await this.#query(client, 'SELECT pg_try_advisory_lock($1::bigint) AS won', [lock]);
    if (won[0]?.won !== true) return undefined;
    return {
      release: async () => {
        // A connection lost meanwhile released the lock with it: nothing to undo.
        if (this.#closed) return;
        try {
          await client.query('SELECT pg_advisory_unlock($1::bigint)', [lock]);
          await client.query('SELECT pg_notify($1, $2)', [CHANNEL, lock]);
        } catch {
          // the session is gone, and the lock with it
        }
      },
    };
  }

  async waitForRelease(episode: string, key: string, deadline: number): Promise<boolean> {
    const lock = lockKey(episode, key);
    for (;;) {
      const client = await this.#connection();
      // Free when this session can take it (then it gives it straight back).
      const rows = await this.#query(client, 'SELECT pg_try_advisory_lock($1::bigint) AS free', [lock]);
      if (rows[0]?.free === true) {
        await this.#query(client, 'SELECT pg_advisory_unlock($1::bigint)', [lock]);
        return true;
      }
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await this.#notified(lock, Math.min(POLL_MS, left));
    }
  }

  /** Ends the claims connection (and with it every claim this process still holds). */
  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    await client?.then((c) => c.end()).catch(() => undefined);
  }

  #notified(lock: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let set = this.#waiters.get(lock);
      if (!set) this.#waiters.set(lock, (set = new Set()));
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0) this.#waiters.delete(lock);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  async #query(client: pg.Client, sql: string, params: unknown[]): Promise<Record<string, unknown>[]> {
    try {
      return (await client.query(sql, params)).rows as Record<string, unknown>[];
    } catch (err) {
      this.#drop(client);
      throw storeError(err, this.#location, 'claim a request in');
    }
  }

  /** The claims connection, opened on first use and again after it was lost (a restart, a partition). */
  #connection(): Promise<pg.Client> {
    if (!this.#client) {
      const client = new pg.Client({
        connectionString: this.#connectionString,
        application_name: 'llm-cassette-claims',
        connectionTimeoutMillis: 10_000,
      });
      client.on('error', () => this.#drop(client));
      client.on('end', () => this.#drop(client));
      client.on('notification', (n) => {
        for (const wake of [...(this.#waiters.get(n.payload ?? '') ?? [])]) wake();
      });
      const opening = client
        .connect()
        .then(() => client.query(`LISTEN ${CHANNEL}`))
        .then(() => client)
        .catch((err: unknown) => {
          this.#drop(client);
          throw storeError(err, this.#location, 'claim a request in');
        });
      this.#client = opening;
      opening.catch(() => undefined);
    }
    return this.#client;
  }

  #drop(client: pg.Client): void {
    const current = this.#client;
    void current?.then(
      (c) => {
        if (c === client && this.#client === current) this.#client = undefined;
      },
      () => {
        if (this.#client === current) this.#client = undefined;
      },
    );
    client.end().catch(() => undefined);
  }
}

/** A signed 64-bit advisory lock key for (episode, key): the first 8 bytes of their sha256. */
function lockKey(episode: string, key: string): string {
  return createHash('sha256').update(`llm-cassette:recording\n${episode}\n${key}`).digest().readBigInt64BE(0).toString();
}
