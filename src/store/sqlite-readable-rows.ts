import type Database from 'better-sqlite3';
import { isSqliteCorruption } from './sqlite-corruption.js';

/** Rows of a table that could not be read: one row (`from === to`) or a stretch of rowids. */
export interface UnreadableRows {
  from: number;
  /** Last rowid of the stretch; undefined when it runs to the end of the table. */
  to: number | undefined;
  reason: string;
}

type Probe = number | 'end' | 'damaged';
const NO_ROWID_ABOVE = 2 ** 53;

/**
 * Every readable row of `table` (an INTEGER PRIMARY KEY table) in rowid order, as `{ rowid, ...columns }`.
 * SQLite stops a scan at the first damaged page; this one goes on: it seeks past the damage
 * (doubling the step, then halving back to the first rowid a seek can reach again) and reports
 * each stretch it had to skip to `onUnreadable`. A single row whose body is damaged (an overflow
 * page) is skipped alone. Errors other than corruption are thrown.
 */
export function* readableRows(
  db: Database.Database,
  table: string,
  columns: string,
  onUnreadable: (rows: UnreadableRows) => void,
): Generator<Record<string, unknown> & { rowid: number }> {
  const scan = db.prepare(`SELECT rowid AS rowid, ${columns} FROM ${table} WHERE rowid > ? ORDER BY rowid`);
  const one = db.prepare(`SELECT rowid AS rowid, ${columns} FROM ${table} WHERE rowid = ?`);
  const next = db.prepare(`SELECT rowid FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT 1`).pluck(true);
  const probe = (after: number): Probe => {
    try {
      const rowid = next.get(after) as number | undefined;
      if (rowid === undefined) return 'end';
      return rowid > after ? rowid : 'damaged';
    } catch (err) {
      if (!isSqliteCorruption(err)) throw err;
      return 'damaged';
    }
  };
  let after = 0;
  for (;;) {
    let failure: unknown;
    try {
      for (const row of scan.iterate(after) as Iterable<Record<string, unknown> & { rowid: number }>) {
        // A damaged page can hand out a row out of order before SQLite notices: it is damage too.
        if (row.rowid <= after) throw new OutOfOrder(row.rowid, after);
        after = row.rowid;
        yield row;
      }
      return;
    } catch (err) {
      if (!isSqliteCorruption(err) && !(err instanceof OutOfOrder)) throw err;
      failure = err;
    }
    const reason = (failure as Error).message;
    const found = probe(after);
    if (found === 'end') return;
    if (typeof found === 'number') {
      // The key is readable, so the damage is in this row's body: skip it alone.
      try {
        const row = one.get(found) as (Record<string, unknown> & { rowid: number }) | undefined;
        if (row?.rowid === found) yield row;
      } catch (err) {
        if (!isSqliteCorruption(err)) throw err;
        onUnreadable({ from: found, to: found, reason: (err as Error).message });
      }
      after = found;
      continue;
    }
    // The pages right after `after` are damaged: find the first rowid a seek reaches again.
    let bad = after;
    let good: number | undefined;
    for (let step = 1; after + step < NO_ROWID_ABOVE; step *= 2) {
      if (probe(after + step) === 'damaged') bad = after + step;
      else {
        good = after + step;
        break;
      }
    }
    if (good === undefined) {
      onUnreadable({ from: after + 1, to: undefined, reason });
      return;
    }
    while (good - bad > 1) {
      const mid = Math.floor((good + bad) / 2);
      if (probe(mid) === 'damaged') bad = mid;
      else good = mid;
    }
    onUnreadable({ from: after + 1, to: good, reason });
    after = good;
  }
}

/** A scan that went backwards: SQLite read a damaged page as if it held rows. */
class OutOfOrder extends Error {
  constructor(rowid: number, after: number) {
    super(`a damaged page gave row ${rowid} after row ${after}`);
  }
}
