import { existsSync } from 'node:fs';
import { CassetteError } from '../errors.js';
import type { StoreKind } from './store.js';

const SQLITE_PATH = /\.(db|sqlite|sqlite3)$/i;
/** `scheme://…`: a URL, never a path (a Windows drive letter has one letter and no `//`). */
const URL_SCHEME = /^([a-z][a-z0-9+.-]+):\/\//i;
const POSTGRES_SCHEMES = new Set(['postgres', 'postgresql']);

/** What `--store` names: which backend, and the location fit to print (no password). */
export interface StoreLocation {
  kind: StoreKind;
  /** The value as given, minus a URL's password: what messages, logs and `--json` show. */
  location: string;
}

/**
 * Full connection URLs by their printable form. A password given in `--store`, CASSETTE_STORE or
 * the config file is kept here, in memory only, and every other part of the program carries the
 * printable form: nothing can print or write the password by mistake. `openStore` looks it up.
 */
const secrets = new Map<string, string>();

/**
 * Which backend a `--store` value selects: `postgres://` and `postgresql://` URLs PostgreSQL,
 * `*.db`, `*.sqlite`, `*.sqlite3` SQLite, anything else without a scheme a directory store. Any
 * other `scheme://` is refused (bad_usage, exit 2), never taken for a directory.
 */
export function parseStoreLocation(value: string): StoreLocation {
  const scheme = URL_SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (!POSTGRES_SCHEMES.has(scheme)) {
      throw new CassetteError('bad_usage', `unsupported store URL scheme "${scheme}://" in --store ${redactUrl(value)}`, {
        hint: 'A store is postgres://user@host/db (or postgresql://), a SQLite file (*.db, *.sqlite, *.sqlite3) or a directory.',
      });
    }
    return { kind: 'postgres', location: redactUrl(value) };
  }
  return { kind: SQLITE_PATH.test(value) ? 'sqlite' : 'directory', location: value };
}

/**
 * The printable form of a `--store` value, remembering a URL's password for `connectionUrl`.
 * Config loading calls it once, so the options carry the printable form only. Throws bad_usage
 * for an unknown URL scheme.
 */
export function printableStore(value: string): string {
  const { kind, location } = parseStoreLocation(value);
  if (kind === 'postgres' && location !== value) secrets.set(location, value);
  return location;
}

/** The URL to connect with: the one `printableStore` saw (with its password) or `location` itself. */
export function connectionUrl(location: string): string {
  return secrets.get(location) ?? location;
}

/** `scheme://user:password@host/…` without `:password` (and without a bare `@`-less userinfo secret). */
export function redactUrl(value: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)(.*)$/is.exec(value);
  if (!m) return value;
  const [, scheme, authority = '', rest = ''] = m;
  const at = authority.lastIndexOf('@');
  if (at < 0) return `${scheme}${authority}${redactQuery(rest)}`;
  const userinfo = authority.slice(0, at);
  const colon = userinfo.indexOf(':');
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  return `${scheme}${user}@${authority.slice(at + 1)}${redactQuery(rest)}`;
}

/** `?password=…` (libpq accepts it as a parameter) is dropped too. */
function redactQuery(rest: string): string {
  const q = rest.indexOf('?');
  if (q < 0) return rest;
  const kept = rest
    .slice(q + 1)
    .split('&')
    .filter((pair) => !/^(password|sslpassword|sslkey)=/i.test(pair));
  return rest.slice(0, q) + (kept.length > 0 ? `?${kept.join('&')}` : '');
}

/**
 * Whether a store is there to open: a file or directory that exists. A database URL always counts
 * as existing: opening it tells (and creates the schema when the mode writes).
 */
export function storeExists(location: string): boolean {
  return parseStoreLocation(location).kind === 'postgres' || existsSync(location);
}
