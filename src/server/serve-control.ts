import type { IncomingMessage, ServerResponse } from 'node:http';
import { toCassetteError } from '../errors.js';
import { sendError } from '../modes/send-error.js';
import { handleControl } from './control-endpoints.js';
import type { ControlState } from './control-endpoints.js';
import { readBody } from './read-body.js';
import type { RequestGuard } from './request-guard.js';
import { unauthorized } from './unauthorized.js';

/**
 * A `/__cassette/<name>` request: the guard's Host, Origin and token checks, then the control
 * endpoints. Health answers without the token (a Docker HEALTHCHECK has none) and says nothing more.
 */
export async function serveControl(
  req: IncomingMessage,
  res: ServerResponse,
  url: string,
  guard: RequestGuard,
  state: ControlState,
): Promise<void> {
  const name = url.slice('/__cassette/'.length).split('?')[0] ?? '';
  try {
    guard.control(req);
    if (!guard.authorized(req)) {
      if (name !== 'health' || (req.method !== 'GET' && req.method !== 'HEAD')) throw unauthorized();
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' });
      res.end('{"ok":true}');
      return;
    }
    await handleControl(req, res, name, state, () => readBody(req, 1024 * 1024));
  } catch (err) {
    sendError(res, undefined, toCassetteError(err));
  }
}
