import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import type { RecordingClaim, RecordingClaims } from './recording-claims.js';
import { whenNotBusy } from './sqlite-busy.js';

/** How long a claim lives without its holder's heartbeat (a holder on a frozen or vanished host). */
const LEASE_MS = 15_000;
const HEARTBEAT_MS = 3_000;
/** Waiters look again this often: a plain read, which WAL lets run beside the writers. */
const POLL_MS = 25;

interface ClaimRow {
  owner: string;
  host: string;
  pid: number;
  expires_at: number;
}

/**
 * Single-flight claims for the processes sharing one SQLite file: a row per claimed key, taken in
 * an IMMEDIATE transaction (so two processes never both win), released by deleting it. A holder
 * killed mid-call leaves its row behind; it counts as gone once its process no longer exists
 * (same host) or its lease ran out without a heartbeat, and the next claimant takes it over.
 * The table is coordination state, not data: created on first use, outside the numbered migrations.
 */
export class SqliteRecordingClaims implements RecordingClaims {
  readonly #db: Database.Database;
  readonly #host = hostname();
  #stmts: ReturnType<typeof prepareClaims> | undefined;

  constructor(db: Database.Database) {
    this.#db = db;
  }

  async tryClaim(episode: string, key: string): Promise<RecordingClaim | undefined> {
    const s = await whenNotBusy(() => this.#statements());
    const owner = randomUUID();
    const claim = this.#db.transaction(() => {
      const row = s.get.get(episode, key) as ClaimRow | undefined;
      if (row && this.#alive(row)) return false;
      s.upsert.run({ episode, key, owner, host: this.#host, pid: process.pid, expires_at: Date.now() + LEASE_MS });
      return true;
    });
    // Another process writing: wait without freezing this one (issue 13 item 11).
    const won = await whenNotBusy(() => claim.immediate());
    if (!won) return undefined;
    const beat = setInterval(() => {
      try {
        s.beat.run(Date.now() + LEASE_MS, episode, key, owner);
      } catch {
        // busy or closed: the lease is long enough for the next beat
      }
    }, HEARTBEAT_MS);
    beat.unref();
    return {
      release: async () => {
        clearInterval(beat);
        if (this.#db.open) await whenNotBusy(() => s.release.run(episode, key, owner));
      },
    };
  }

  async waitForRelease(episode: string, key: string, deadline: number): Promise<boolean> {
    const s = await whenNotBusy(() => this.#statements());
    for (;;) {
      const row = s.get.get(episode, key) as ClaimRow | undefined;
      if (!row || !this.#alive(row)) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await sleep(Math.min(POLL_MS, left));
    }
  }

  #alive(row: ClaimRow): boolean {
    if (row.expires_at < Date.now()) return false;
    if (row.host !== this.#host) return true;
    try {
      process.kill(row.pid, 0);
      return true;
    } catch (err) {
      // EPERM: the process exists but belongs to someone else.
      return (err as NodeJS.ErrnoException).code === 'EPERM';
    }
  }

  #statements(): ReturnType<typeof prepareClaims> {
    this.#stmts ??= prepareClaims(this.#db);
    return this.#stmts;
  }
}

function prepareClaims(db: Database.Database) {
  db.exec(
    `CREATE TABLE IF NOT EXISTS recording_claims (
       episode TEXT NOT NULL,
       key TEXT NOT NULL,
       owner TEXT NOT NULL,
       host TEXT NOT NULL,
       pid INTEGER NOT NULL,
       expires_at INTEGER NOT NULL,
       PRIMARY KEY (episode, key)
     )`,
  );
  return {
    get: db.prepare(`SELECT owner, host, pid, expires_at FROM recording_claims WHERE episode = ? AND key = ?`),
    upsert: db.prepare(
      `INSERT INTO recording_claims (episode, key, owner, host, pid, expires_at)
       VALUES (@episode, @key, @owner, @host, @pid, @expires_at)
       ON CONFLICT (episode, key) DO UPDATE SET owner = excluded.owner, host = excluded.host, pid = excluded.pid,
         expires_at = excluded.expires_at`,
    ),
    beat: db.prepare(`UPDATE recording_claims SET expires_at = ? WHERE episode = ? AND key = ? AND owner = ?`),
    release: db.prepare(`DELETE FROM recording_claims WHERE episode = ? AND key = ? AND owner = ?`),
  };
}
