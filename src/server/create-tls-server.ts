import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createSecureServer } from 'node:http2';
import type { Http2ServerRequest, Http2ServerResponse, Http2Session } from 'node:http2';
import type { TLSSocket } from 'node:tls';
import type { TlsMaterial } from './tls-certificate.js';

/**
 * The `--tls` listener: HTTP/2 and HTTP/1.1 on one port, chosen by ALPN (`h2`, `http/1.1`). The
 * AWS SDK's Bedrock client speaks HTTP/2 only; browsers, `ws` and most SDKs speak HTTP/1.1, and
 * WebSocket upgrades arrive on HTTP/1.1 as before. Requests of both arrive at `onRequest` through
 * Node's compatibility API, whose request and response act like node:http's for what the proxy uses.
 *
 * Returned as an `http.Server` whose `closeIdleConnections` / `closeAllConnections` also close
 * HTTP/2 sessions (closeServer calls them on stop).
 */
export function createTlsServer(
  tls: TlsMaterial,
  timeouts: { keepAliveTimeout: number; requestTimeout: number; headersTimeout: number },
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
): Server {
  const secure = createSecureServer(
    { allowHTTP1: true, cert: tls.cert, key: tls.key },
    onRequest as unknown as (req: Http2ServerRequest, res: Http2ServerResponse) => void,
  );
  const server = Object.assign(secure as unknown as Server, timeouts);
  const sessions = new Set<Http2Session>();
  const sockets = new Set<TLSSocket>();
  secure.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
  });
  secure.on('secureConnection', (socket: TLSSocket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.closeIdleConnections = () => {
    // GOAWAY: open streams finish, no new ones start.
    for (const session of sessions) session.close();
  };
  server.closeAllConnections = () => {
    for (const session of sessions) session.destroy();
    for (const socket of sockets) socket.destroy();
  };
  return server;
}
