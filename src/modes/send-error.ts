import type { ServerResponse } from 'node:http';
import type { CassetteError } from '../errors.js';
import type { Provider } from '../providers/provider.js';

/**
 * Writes a CassetteError in the provider's own error shape (the proxy's own shape without one).
 * Given the request's body, a family whose errors name the request (JSON-RPC) answers it in kind.
 * Returns the status sent (0 when the answer had begun and was cut instead).
 */
export function sendError(
  res: ServerResponse,
  provider: Provider | undefined,
  error: CassetteError,
  headers: Record<string, string> = {},
  requestBody?: Buffer,
): number {
  if (res.headersSent) {
    res.destroy();
    return 0;
  }
  const answer =
    provider?.requestErrorAnswer && requestBody
      ? provider.requestErrorAnswer(error.httpStatus, error.code, error.message, requestBody)
      : {
          status: error.httpStatus,
          body: provider
            ? provider.errorBody(error.httpStatus, error.code, error.message)
            : {
                error: {
                  type: error.code,
                  code: error.code,
                  message: error.message,
                  ...(error.hint ? { hint: error.hint } : {}),
                  ...error.details,
                },
              },
        };
  const bytes = Buffer.from(JSON.stringify(answer.body));
  res.writeHead(answer.status, {
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
  return answer.status;
}
