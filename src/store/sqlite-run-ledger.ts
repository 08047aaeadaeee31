import type Database from 'better-sqlite3';
import { filterRuns, type RunFilter, type RunRecord } from './run-record.js';

/**
 * The run ledger of a SQLite store: table `runs` (migration 3), one row per run, the whole record
 * as JSON in `data` beside the columns a query may filter on.
 */
export function insertRun(db: Database.Database, run: RunRecord): void {
  db.prepare(`INSERT INTO runs (id, started_at, duration_ms, mode, exit_code, label, data) VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
    run.id,
    run.startedAt,
    run.durationMs,
    run.mode,
    run.exitCode,
    run.label ?? null,
    JSON.stringify(run),
  );
}

/** Runs newest first; none from a store whose schema predates the ledger (opened read-only). */
export function selectRuns(db: Database.Database, filter: RunFilter = {}): RunRecord[] {
  const hasTable = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'`).get();
  if (!hasTable) return [];
  const rows = db.prepare(`SELECT data FROM runs ORDER BY started_at DESC, id DESC`).all() as { data: string }[];
  return filterRuns(
    rows.map((r) => JSON.parse(r.data) as RunRecord),
    filter,
  );
}
