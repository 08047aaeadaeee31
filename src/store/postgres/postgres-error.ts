import { CassetteError } from '../../errors.js';

/** Node socket errors and PostgreSQL SQLSTATEs that mean "the database cannot be reached or refuses us". */
const UNREACHABLE_ERRNO = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
const UNREACHABLE_SQLSTATE: Record<string, string> = {
  '28P01': 'the login was refused (wrong password)',
  '28000': 'the login was refused',
  '3D000': 'the database does not exist',
  '57P01': 'the server was shut down',
  '57P02': 'the server crashed',
  '57P03': 'the server is starting up or shutting down',
  '53300': 'too many connections',
};

/** True when `err` says the database went away or cannot be reached (not a bad query). */
export function isConnectionError(err: unknown): boolean {
  if (err instanceof CassetteError) return err.code === 'store_unreachable';
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (UNREACHABLE_ERRNO.has(code) || code in UNREACHABLE_SQLSTATE || code.startsWith('08')) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(message);
}

/**
 * The error to show for a failure of the PostgreSQL store at `location` (printable: no password).
 * Connection trouble becomes `store_unreachable` with a short reason; the driver's own message is
 * used only for SQL errors, and never carries the connection string.
 */
export function storeError(err: unknown, location: string, doing: string): CassetteError {
  if (err instanceof CassetteError) return err;
  const e = err as { code?: unknown; message?: unknown } | undefined;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (isConnectionError(err)) {
    const reason =
      UNREACHABLE_SQLSTATE[code] ??
      (code === 'ECONNREFUSED'
        ? 'the connection was refused (is the server running?)'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'the host name does not resolve'
          : code === 'ETIMEDOUT'
            ? 'the connection timed out'
            : 'the connection was lost');
    return new CassetteError('store_unreachable', `cannot ${doing} the PostgreSQL store ${location}: ${reason}`, {
      details: { store: location, ...(code ? { reason: code } : {}) },
      hint: 'Check that PostgreSQL runs and the URL and credentials are right (PGPASSWORD keeps the password out of the URL).',
    });
  }
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return new CassetteError('store_unreadable', `cannot ${doing} the PostgreSQL store ${location}: ${message}${code ? ` (${code})` : ''}`, {
    details: { store: location },
  });
}
