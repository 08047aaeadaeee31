import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CassetteError } from '../errors.js';
import { credentialMatchers, maskCredentials } from '../safety/find-credentials.js';
import type { CredentialMatcher } from '../safety/find-credentials.js';
import type { Interaction } from '../types.js';
import { BLOB_DIR } from './blob-files.js';
import { findUnreferencedBlobs } from './collect-blobs.js';
import { openStore } from './open-store.js';
import { readSqliteSalvage } from './salvage-sqlite.js';
import { isSqliteCorruption } from './sqlite-corruption.js';
import { parseStoreLocation } from './store-location.js';
import type { PostgresStore } from './postgres/postgres-store.js';
import type { Store } from './store.js';
import type { VerifyFinding } from './verify-finding.js';
import { scanDirectoryFiles, scanRawFile } from './verify-files.js';
import { checkRequiredFields, scanInteraction } from './verify-interactions.js';

/**
 * Everything `cassette verify` finds in a store: credential shapes (built-in plus `extraPatterns`)
 * and integrity problems. Throws store_unreadable when the store cannot be opened at all.
 */
export async function verifyStore(
  path: string,
  extraPatterns: readonly string[] = [],
  onProgress?: (done: number, total: number) => void,
): Promise<VerifyFinding[]> {
  const database = parseStoreLocation(path).kind === 'postgres';
  if (!database && !existsSync(path)) throw unreadable(`no store at ${path}`);
  const matchers = credentialMatchers(extraPatterns);
  // V8 quotes up to ~30 characters of the input in JSON.parse errors: too short to match a
  // credential shape yet enough to show part of one, so the excerpt is dropped.
  const mask = (text: string): string =>
    maskCredentials(text.replace(/, (?:\.\.\.)?".*?"(?:\.\.\.)? is not valid JSON/gs, ' (input excerpt withheld)'), matchers);
  let findings: VerifyFinding[];
  try {
    findings = database
      ? await verifyDatabase(path, matchers, onProgress)
      : /\.(db|sqlite3?)$/i.test(path)
        ? await verifySqlite(path, matchers, onProgress)
        : await verifyDirectory(path, matchers, onProgress);
  } catch (err) {
    if (!(err instanceof CassetteError)) throw err;
    throw new CassetteError(err.code, mask(err.message), { ...(err.hint ? { hint: err.hint } : {}), cause: err.cause });
  }
  // Where and why may quote stored text (an object key, a file name, a JSON parse error's
  // excerpt of the input): masked too, so verify never prints what it warns about.
  return findings.map((f) => ({ ...f, where: mask(f.where), ...(f.message === undefined ? {} : { message: mask(f.message) }) }));
}

type OnProgress = ((done: number, total: number) => void) | undefined;

async function verifySqlite(path: string, matchers: readonly CredentialMatcher[], onProgress: OnProgress): Promise<VerifyFinding[]> {
  const findings = integrityCheck(path);
  const seen = new Set<string>();
  let rows: VerifyFinding[] = [];
  const check = (i: Interaction, ordinal: number): void => {
    rows.push(...checkRequiredFields(i, ordinal));
    const scanned = scanInteraction(i, ordinal, matchers);
    rows.push(...scanned.findings);
    for (const v of scanned.values) seen.add(v);
  };
  let damaged = findings.length > 0;
  if (!damaged) {
    try {
      await withOpenStore(path, async (store) => {
        for await (const [ordinal, i] of readAll(store, rows, onProgress)) check(i, ordinal);
      });
    } catch (err) {
      if (!(err instanceof CassetteError && err.code === 'store_corrupt')) throw err;
      damaged = true;
    }
  }
  if (damaged) {
    // Read it the way salvage does: past damaged pages and broken rows, each loss a finding.
    rows = [];
    seen.clear();
    findings.push(...damagedFindings(path, check));
  }
  findings.push(...rows);
  // Raw bytes catch what no row shows: deleted rows in free pages, the WAL, a rollback journal.
  for (const file of [path, `${path}-wal`, `${path}-journal`]) {
    if (existsSync(file)) findings.push(...scanRawFile(file, matchers, seen));
  }
  return findings;
}

/** A damaged SQLite store read as salvage reads it: `check` gets every readable interaction, each loss is a finding. */
function damagedFindings(path: string, check: (i: Interaction, ordinal: number) => void): VerifyFinding[] {
  const hint = `the store is damaged: cassette salvage RESCUED.db --store ${path} copies out the rest`;
  let read;
  try {
    read = readSqliteSalvage(path);
  } catch (err) {
    if (!(err instanceof CassetteError && err.code === 'store_corrupt')) throw err;
    return [{ kind: 'integrity', where: path, message: `${err.message} (nothing is readable)` }];
  }
  let ordinal = 0;
  for (const t of read.takes) for (const i of t.interactions) check(i, ++ordinal);
  const lost = read.lost.map((l): VerifyFinding => ({
    kind: 'integrity',
    where: `${path} ${l.where}`,
    message: `unreadable: ${l.reason}`,
  }));
  return [
    ...lost,
    { kind: 'integrity', where: path, message: `${read.lost.length} unreadable part${read.lost.length === 1 ? '' : 's'}; ${hint}` },
  ];
}

/**
 * A database store (PostgreSQL): no files to scan raw. The tables are checked by SQL
 * (postgres-integrity.ts), then every stored interaction is read and checked, episode by episode,
 * so one that cannot be read (a body missing) does not hide the others.
 */
async function verifyDatabase(path: string, matchers: readonly CredentialMatcher[], onProgress: OnProgress): Promise<VerifyFinding[]> {
  const findings: VerifyFinding[] = [];
  await withOpenStore(path, async (store) => {
    const { postgresIntegrity } = await import('./postgres/postgres-integrity.js');
    findings.push(...(await postgresIntegrity(store as PostgresStore)));
    let ordinal = 0;
    const total = onProgress ? (await store.listTakes()).reduce((n, t) => n + t.interactions, 0) : 0;
    for (const episode of await store.listEpisodes()) {
      try {
        for await (const i of store.interactions({ episodes: [episode], newestTakeOnly: false, includeIncomplete: true })) {
          findings.push(...checkRequiredFields(i, ++ordinal));
          findings.push(...scanInteraction(i, ordinal, matchers).findings);
          if (onProgress && ordinal % 256 === 0) onProgress(ordinal, Math.max(total, ordinal));
        }
      } catch (err) {
        const message = (err as Error).message;
        // A missing body is reported above, with the step and the part.
        if (!/^body \w+ is missing$/.test(message))
          findings.push({ kind: 'integrity', where: `episode ${JSON.stringify(episode)}`, message: `cannot be read: ${message}` });
      }
    }
    onProgress?.(ordinal, Math.max(total, ordinal));
  });
  return findings;
}

async function verifyDirectory(path: string, matchers: readonly CredentialMatcher[], onProgress: OnProgress): Promise<VerifyFinding[]> {
  if (!statSync(path).isDirectory()) {
    throw unreadable(`${path} is neither a SQLite store (.db, .sqlite, .sqlite3) nor a directory`);
  }
  const findings = scanDirectoryFiles(path, matchers);
  // The files were read as text above; the store's own reading adds the per-interaction checks.
  await withOpenStore(path, async (store) => {
    for await (const [ordinal, i] of readAll(store, findings, onProgress)) findings.push(...checkRequiredFields(i, ordinal));
  });
  for (const hex of findUnreferencedBlobs(path)) {
    const where = join(path, BLOB_DIR, `${hex}.bin`);
    findings.push({ kind: 'integrity', where, message: 'no take refers to this blob (the next cassette rm or prune deletes it)' });
  }
  return findings;
}

/** `PRAGMA integrity_check`, on a connection of its own so no store code runs first. */
function integrityCheck(path: string): VerifyFinding[] {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    const problems = rows.map((r) => r.integrity_check).filter((m) => m !== 'ok');
    return problems.map((message) => ({ kind: 'integrity', where: path, message: `SQLite integrity_check: ${message}` }));
  } catch (err) {
    if (isSqliteCorruption(err))
      return [{ kind: 'integrity', where: path, message: `SQLite integrity_check cannot run: ${(err as Error).message}` }];
    throw unreadable(`cannot read the SQLite store ${path}: ${(err as Error).message}`, err);
  } finally {
    db?.close();
  }
}

/** Every stored interaction, numbered from 1; a row that stops the reading becomes a finding. */
async function* readAll(store: Store, findings: VerifyFinding[], onProgress: OnProgress): AsyncGenerator<[number, Interaction]> {
  let ordinal = 0;
  try {
    // The takes' listed counts, for a progress bar; a store too damaged to list them just has none.
    const total = onProgress
      ? await store.listTakes().then(
          (ts) => ts.reduce((n, t) => n + t.interactions, 0),
          () => 0,
        )
      : 0;
    for await (const i of store.interactions({ newestTakeOnly: false, includeIncomplete: true })) {
      yield [++ordinal, i];
      if (onProgress && ordinal % 256 === 0) onProgress(ordinal, Math.max(total, ordinal));
    }
    onProgress?.(ordinal, Math.max(total, ordinal));
  } catch (err) {
    // A damaged SQLite store is read again the way salvage reads it (verifySqlite).
    if (err instanceof CassetteError && err.code === 'store_corrupt') throw err;
    findings.push({
      kind: 'integrity',
      where: store.location,
      message: `reading stopped after ${ordinal} interactions: ${(err as Error).message}`,
    });
  }
}

async function withOpenStore(path: string, fn: (store: Store) => Promise<void>): Promise<void> {
  const store = await openReadonly(path);
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

async function openReadonly(path: string): Promise<Store> {
  try {
    return await openStore(path, { readonly: true });
  } catch (err) {
    throw err instanceof CassetteError ? err : unreadable(`cannot open the store ${path}: ${(err as Error).message}`, err);
  }
}

function unreadable(message: string, cause?: unknown): CassetteError {
  return new CassetteError('store_unreadable', message, {
    hint: 'Pass --store PATH (or set CASSETTE_STORE) to a store or export directory.',
    ...(cause === undefined ? {} : { cause }),
  });
}
