import type { ServerResponse } from 'node:http';
import type { CassetteError } from '../errors.js';
import type { Provider } from '../providers/provider.js';

/** Writes a CassetteError in the provider's own error shape (the proxy's own shape without one). */
export function sendError(
  res: ServerResponse,
  provider: Provider | undefined,
  error: CassetteError,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = provider
    ? provider.errorBody(error.httpStatus, error.code, error.message)
    : {
        error: {
          type: error.code,
          code: error.code,
          message: error.message,
          ...(error.hint ? { hint: error.hint } : {}),
          ...error.details,
        },
      };
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(error.httpStatus, {
    'content-type': 'application/json',
    'content-length': String(bytes.length),
    // Every answer the proxy makes itself is final, 5xx included: an SDK retrying a broken take,
    // a failed store write or an unreachable upstream three times only triples the wait and the bill.
    'x-should-retry': 'false',
    'x-cassette-error': error.code,
    ...provider?.errorHeaders?.(error.httpStatus, error.code),
    ...headers,
  });
  res.end(bytes);
}
