import { CassetteError } from '../errors.js';

/** The refusal of a request without the proxy's --auth-token. */
export function unauthorized(): CassetteError {
  return new CassetteError('unauthorized', 'this proxy requires --auth-token: send it as header x-cassette-auth', {
    hint: 'Set the x-cassette-auth header (or Proxy-Authorization: Bearer <token>) on every request.',
  });
}
