import { closeSync, copyFileSync, existsSync, fstatSync, ftruncateSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CassetteError } from '../errors.js';
import type { Interaction, Mode, TakeSummary } from '../types.js';
import type { RunRecord } from './run-record.js';
import { corruptStore, isSqliteCorruption, jsonReason } from './sqlite-corruption.js';
import { readableRows, type UnreadableRows } from './sqlite-readable-rows.js';

/** Something a salvage could not copy, said for people: where it was and why. */
export interface SalvageLoss {
  where: string;
  reason: string;
}

/** What could be read out of a (possibly damaged) SQLite store. */
export interface SqliteSalvage {
  takes: { summary: TakeSummary; interactions: Interaction[] }[];
  runs: RunRecord[];
  /** What could not be read. */
  lost: SalvageLoss[];
  /** What was read, but with something made up (a take whose own row was damaged). */
  notes: string[];
}

interface TakeRow {
  episode: string;
  take: number;
  mode: Mode;
  createdAt: string;
  closedAt: string | undefined;
}

/**
 * Reads every readable take, interaction and run of the SQLite store at `path`, read-only, going
 * on past damaged pages (sqlite-readable-rows.ts) and rows that are not valid JSON. Interactions
 * whose index entry is readable but whose row is not are named one by one (episode, take, step);
 * a take whose own row is damaged is rebuilt from its interactions (episode and take are in each
 * row's JSON). Everything is held in memory: salvage is a one-off rescue, not a hot path.
 * Throws store_corrupt when not even the schema can be read.
 */
export function readSqliteSalvage(path: string): SqliteSalvage {
  if (!existsSync(path)) throw new CassetteError('store_unreadable', `no store at ${path}`);
  // A copy in a temp directory is read, never the store: nothing (a journal, a -shm file, a
  // recovery) can touch the damaged file, and the copy may be mended before SQLite sees it.
  const dir = mkdtempSync(join(tmpdir(), 'cassette-salvage-'));
  try {
    const copy = join(dir, 'store.db');
    copyFileSync(path, copy);
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${copy}-wal`);
    padTruncatedFile(copy);
    let db: Database.Database;
    try {
      db = new Database(copy, { fileMustExist: true });
      db.prepare(`SELECT name FROM sqlite_master`).all();
    } catch (err) {
      if (isSqliteCorruption(err)) throw corruptStore(path, 'its schema page is unreadable, so nothing can be salvaged', err);
      throw new CassetteError('store_unreadable', `cannot open the SQLite store ${path}: ${(err as Error).message}`, { cause: err });
    }
    try {
      return readAll(db);
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A file cut short (a copy or download that stopped) is shorter than the page count its header
 * declares, and SQLite then refuses the whole file. Zero pages in place of the missing tail make
 * it open: the pages that were lost read as damaged, and readableRows skips them.
 */
function padTruncatedFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    const header = Buffer.alloc(100);
    if (readSync(fd, header, 0, 100, 0) < 100 || header.toString('latin1', 0, 15) !== 'SQLite format 3') return;
    const raw = header.readUInt16BE(16);
    const pageSize = raw === 1 ? 65536 : raw;
    const declared = header.readUInt32BE(28) * pageSize;
    const size = fstatSync(fd).size;
    const whole = Math.ceil(size / pageSize) * pageSize;
    if (size < Math.max(declared, whole)) ftruncateSync(fd, Math.max(declared, whole));
  } finally {
    closeSync(fd);
  }
}

function readAll(db: Database.Database): SqliteSalvage {
  const lost: SalvageLoss[] = [];
  const notes: string[] = [];
  const stretch =
    (table: string, what: string, into = lost) =>
    (u: UnreadableRows): void => {
      const rows = u.to === u.from ? `row ${u.from}` : `rows ${u.from}-${u.to ?? 'end'}`;
      into.push({ where: `${table} ${rows}`, reason: `${what} in damaged pages (${u.reason})` });
    };
  const stretches: SalvageLoss[] = [];
  const tables = new Set(
    (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name),
  );
  if (!tables.has('takes') || !tables.has('interactions')) {
    throw new CassetteError('store_unreadable', 'it is not an llm-cassette store (no takes or interactions table)');
  }

  const takeRows = new Map<number, TakeRow>();
  for (const r of readableRows(db, 'takes', 'episode, take, mode, created_at, closed_at', stretch('takes', 'take rows'))) {
    takeRows.set(r.rowid, {
      episode: r.episode as string,
      take: r.take as number,
      mode: r.mode as Mode,
      createdAt: r.created_at as string,
      closedAt: (r.closed_at as string | null) ?? undefined,
    });
  }

  const byTake = new Map<string, { row: TakeRow | undefined; interactions: Interaction[] }>();
  const seen = new Set<string>();
  const rows = readableRows(db, 'interactions', 'take_id, position, data', stretch('interactions', 'interactions', stretches));
  for (const r of rows) {
    const takeRow = takeRows.get(r.take_id as number);
    const where = takeRow
      ? `episode ${JSON.stringify(takeRow.episode)} take ${takeRow.take} step ${r.position as number}`
      : `interactions row ${r.rowid}`;
    seen.add(`${r.take_id as number}:${r.position as number}`);
    let i: Interaction;
    try {
      i = JSON.parse(r.data as string) as Interaction;
    } catch (err) {
      lost.push({ where, reason: `its JSON does not parse (${jsonReason(err)})` });
      continue;
    }
    if (typeof i !== 'object' || i === null || typeof i.episode !== 'string' || typeof i.take !== 'number' || !i.request || !i.response) {
      lost.push({ where, reason: 'its JSON is not a recording (episode, take, request or response missing)' });
      continue;
    }
    const k = `${i.episode}\u0000${i.take}`;
    const entry = byTake.get(k) ?? { row: takeRow, interactions: [] };
    entry.row ??= takeRow;
    entry.interactions.push(i);
    byTake.set(k, entry);
  }
  const named = missingFromIndex(db, takeRows, seen);
  // When the index named each lost interaction, its stretches of rowids say nothing more.
  if (!named.complete) lost.push(...stretches);
  lost.push(...named.lost);

  // Takes whose row survived but none of whose interactions did are kept (empty), as export does.
  for (const row of takeRows.values()) {
    const k = `${row.episode}\u0000${row.take}`;
    if (!byTake.has(k)) byTake.set(k, { row, interactions: [] });
  }
  const takes = [...byTake.values()].map(({ row, interactions }) => {
    interactions.sort((a, b) => a.position - b.position);
    const first = interactions[0];
    const summary: TakeSummary = row
      ? { episode: row.episode, take: row.take, mode: row.mode, createdAt: row.createdAt, interactions: 0, incomplete: 0 }
      : {
          episode: first!.episode,
          take: first!.take,
          mode: 'live',
          createdAt: interactions.map((i) => i.recordedAt).sort()[0] ?? new Date(0).toISOString(),
          interactions: 0,
          incomplete: 0,
        };
    if (row?.closedAt !== undefined) summary.closedAt = row.closedAt;
    if (!row)
      notes.push(
        `episode ${JSON.stringify(summary.episode)} take ${summary.take}: its take row was damaged; rebuilt from its interactions (mode "live", created at its first recording)`,
      );
    summary.interactions = interactions.length;
    summary.incomplete = interactions.filter((i) => !i.complete).length;
    return { summary, interactions };
  });
  takes.sort((a, b) =>
    a.summary.episode < b.summary.episode ? -1 : a.summary.episode > b.summary.episode ? 1 : a.summary.take - b.summary.take,
  );

  const runs: RunRecord[] = [];
  if (tables.has('runs')) {
    for (const r of readableRows(db, 'runs', 'id, data', stretch('runs', 'runs of the ledger'))) {
      try {
        runs.push(JSON.parse(r.data as string) as RunRecord);
      } catch (err) {
        lost.push({ where: `run ${r.id as string}`, reason: `its JSON does not parse (${jsonReason(err)})` });
      }
    }
  }
  return { takes, runs, lost, notes };
}

/**
 * The interactions golden's index (a separate B-tree) lists but no readable row holds: named by
 * episode, take and step when the take's row survived. An unreadable index adds nothing: the
 * damaged stretches of the table were reported already.
 */
function missingFromIndex(
  db: Database.Database,
  takeRows: Map<number, TakeRow>,
  seen: Set<string>,
): { lost: SalvageLoss[]; complete: boolean } {
  const hasIndex = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'interactions_take_keys'`).get();
  if (!hasIndex) return { lost: [], complete: false };
  const lost: SalvageLoss[] = [];
  try {
    const entries = db.prepare(`SELECT take_id, position FROM interactions INDEXED BY interactions_take_keys`).raw(true);
    for (const [takeId, position] of entries.iterate() as Iterable<[number, number]>) {
      if (seen.has(`${takeId}:${position}`)) continue;
      const t = takeRows.get(takeId);
      lost.push({
        where: t ? `episode ${JSON.stringify(t.episode)} take ${t.take} step ${position}` : `take #${takeId} step ${position}`,
        reason: "its row is in a damaged page (golden's index still lists it)",
      });
    }
  } catch (err) {
    if (!isSqliteCorruption(err)) throw err;
    return { lost, complete: false };
  }
  return { lost, complete: true };
}
