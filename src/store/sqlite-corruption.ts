import type Database from 'better-sqlite3';
import { CassetteError } from '../errors.js';
import type { Interaction } from '../types.js';

/**
 * True for SQLite's "the file is damaged" errors (SQLITE_CORRUPT and its extended codes). Not
 * SQLITE_NOTADB: a file without a SQLite header is some other file (store_unreadable), not a store
 * to salvage.
 */
export function isSqliteCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_CORRUPT');
}

/** The one hint of a damaged store: salvage it, never touch the original. */
export function salvageHint(location: string): string {
  return (
    `Copy out what is still readable with \`cassette salvage RESCUED.db --store ${location}\` (the damaged file is left ` +
    'as it is; salvage lists what was lost), then use --store RESCUED.db, or restore the file from version control.'
  );
}

/** The store_corrupt error for `location`, saying what was being read when the damage showed. */
export function corruptStore(location: string, what: string, cause: unknown): CassetteError {
  const reason = jsonReason(cause);
  return new CassetteError('store_corrupt', `the SQLite store ${location} is damaged (${what}): ${reason}`, {
    cause,
    hint: salvageHint(location),
    details: { file: location },
  });
}

/** A stored row's JSON as an interaction; a row that does not parse is store_corrupt naming where it is. */
export function parseStoredRow(data: string, location: string, where: string): Interaction {
  try {
    return JSON.parse(data) as Interaction;
  } catch (err) {
    throw corruptStore(location, `${where} is not valid JSON`, err);
  }
}

/**
 * Makes each statement's get/all/run/iterate throw store_corrupt instead of SQLite's bare
 * "database disk image is malformed", so every reader of the store (ls, show, stats, export,
 * golden) names the file and says what to do; other errors pass through unchanged.
 */
export function guardStatements<T extends Record<string, Database.Statement>>(stmts: T, location: string): T {
  for (const stmt of Object.values(stmts)) guardStatement(stmt, location);
  return stmts;
}

export function guardStatement<S extends Database.Statement>(stmt: S, location: string): S {
  for (const method of ['get', 'all', 'run', 'iterate'] as const) {
    const original = stmt[method].bind(stmt) as (...args: unknown[]) => unknown;
    (stmt as unknown as Record<string, unknown>)[method] = (...args: unknown[]): unknown => {
      try {
        return original(...args);
      } catch (err) {
        throw isSqliteCorruption(err) ? corruptStore(location, 'reading it', err) : err;
      }
    };
  }
  return stmt;
}

/** A JSON.parse error without the excerpt of the input V8 quotes (stored text stays out of reports). */
export function jsonReason(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).replace(
    /, (?:\.\.\.)?".*?"(?:\.\.\.)? is not valid JSON/s,
    ' (not valid JSON)',
  );
}
