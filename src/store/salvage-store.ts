import type { SalvageLoss, SqliteSalvage } from './salvage-sqlite.js';
import type { Store } from './store.js';

/** What a salvage copied, and what it could not. */
export interface SalvageReport {
  copied: { episodes: number; takes: number; interactions: number; runs: number };
  lost: SalvageLoss[];
  notes: string[];
}

/** Writes what `readSqliteSalvage` read into `into` (a new, empty store), takes under their own numbers. */
export async function writeSalvage(read: SqliteSalvage, into: Store): Promise<SalvageReport> {
  let interactions = 0;
  for (const { summary, interactions: list } of read.takes) {
    await into.importTake(summary, list);
    interactions += list.length;
  }
  for (const run of read.runs) await into.recordRun(run);
  return {
    copied: {
      episodes: new Set(read.takes.map((t) => t.summary.episode)).size,
      takes: read.takes.length,
      interactions,
      runs: read.runs.length,
    },
    lost: read.lost,
    notes: read.notes,
  };
}
