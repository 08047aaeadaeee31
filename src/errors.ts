/**
 * The one error class of llm-cassette. Match on `err.code`: codes are stable and shared by the
 * wire (provider-shaped error bodies), the logs and `--json` output. docs/errors.md lists them all.
 */

/** Exit codes of SPEC §7. */
export const EXIT = { ok: 0, problem: 1, usage: 2, cannotRun: 3 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Every code, with its exit code and HTTP status when it reaches the wire. */
export const ERROR_CODES = {
  // usage and configuration (exit 2)
  bad_usage: { exitCode: 2, httpStatus: 400 },
  bad_config: { exitCode: 2, httpStatus: 500 },
  bad_episode_id: { exitCode: 2, httpStatus: 400 },
  // the proxy refusing a request
  unknown_provider: { exitCode: 2, httpStatus: 404 },
  unknown_control_endpoint: { exitCode: 2, httpStatus: 404 },
  body_too_large: { exitCode: 2, httpStatus: 413 },
  unauthorized: { exitCode: 2, httpStatus: 401 },
  host_not_allowed: { exitCode: 2, httpStatus: 403 },
  origin_not_allowed: { exitCode: 2, httpStatus: 403 },
  cassette_miss: { exitCode: 1, httpStatus: 404 },
  // mock mode: an endpoint the provider's mock does not fake (the body names the ones it does)
  cassette_mock_unsupported: { exitCode: 1, httpStatus: 404 },
  cassette_upstream_not_allowed: { exitCode: 2, httpStatus: 403 },
  // 402 is outside every official SDK's retry set (408, 409, 429, 5xx).
  cassette_budget_exceeded: { exitCode: 1, httpStatus: 402 },
  // upstream trouble
  upstream_unreachable: { exitCode: 3, httpStatus: 502 },
  upstream_timeout: { exitCode: 3, httpStatus: 504 },
  // nginx's 499: no one reads the answer; logged so an aborted call is not mistaken for an outage.
  client_closed_request: { exitCode: 1, httpStatus: 499 },
  // store and run
  store_unreadable: { exitCode: 3, httpStatus: 500 },
  store_write_failed: { exitCode: 3, httpStatus: 500 },
  // a SQLite file with damaged pages or a row that is not valid JSON: `cassette salvage` copies out the rest
  store_corrupt: { exitCode: 3, httpStatus: 500 },
  // a network store (PostgreSQL) that cannot be reached or refuses the login
  store_unreachable: { exitCode: 3, httpStatus: 503 },
  episode_not_found: { exitCode: 1, httpStatus: 404 },
  // a finished take never changes (docs/stores.md, "Fleet")
  take_finished: { exitCode: 3, httpStatus: 500 },
  // record-missing on a fleet: another proxy's recording of the same request did not come in time
  recording_wait_timeout: { exitCode: 3, httpStatus: 504 },
  // golden with a cassette.lock: the served take is not the pinned one
  cassette_unpinned: { exitCode: 1, httpStatus: 409 },
  cassette_pin_mismatch: { exitCode: 1, httpStatus: 409 },
  command_failed: { exitCode: 1, httpStatus: 500 },
  cannot_start: { exitCode: 3, httpStatus: 500 },
  internal_error: { exitCode: 3, httpStatus: 500 },
} as const satisfies Record<string, { exitCode: ExitCode; httpStatus: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface CassetteErrorOptions {
  hint?: string;
  cause?: unknown;
  httpStatus?: number;
  /** Extra structured facts for logs and `--json` (never secrets). */
  details?: Record<string, unknown>;
}

export class CassetteError extends Error {
  override readonly name = 'CassetteError';
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  readonly httpStatus: number;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: CassetteErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.exitCode = ERROR_CODES[code].exitCode;
    this.httpStatus = options.httpStatus ?? ERROR_CODES[code].httpStatus;
    this.hint = options.hint;
    this.details = options.details;
  }

  /** The `{code, message, hint}` object of `--json` failures and log lines. */
  toJSON(): { code: ErrorCode; message: string; hint?: string } {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint };
  }
}

/** Wraps anything thrown into a CassetteError, keeping CassetteErrors as they are. */
export function toCassetteError(err: unknown, fallback: ErrorCode = 'internal_error'): CassetteError {
  if (err instanceof CassetteError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new CassetteError(fallback, message, { cause: err });
}
