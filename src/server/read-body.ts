import type { IncomingMessage, ServerResponse } from 'node:http';
import { CassetteError } from '../errors.js';

/**
 * Reads a request body up to `limit` bytes. An oversized body is refused (413) before anything is
 * forwarded: from its content-length when it declares one, else as soon as it grows past the limit.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(declared, limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge(size, limit));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
    req.once('error', (err) =>
      reject(new CassetteError('bad_usage', `the request body could not be read: ${err.message}`, { httpStatus: 400, cause: err })),
    );
  });
}

function tooLarge(size: number, limit: number): CassetteError {
  return new CassetteError('body_too_large', `request body of ${size} bytes exceeds the limit of ${limit} bytes`, {
    hint: 'Raise limits.maxBodyBytes in cassette.config.json.',
  });
}

/** How long a refused upload may keep sending after its 413 before the socket is closed under it. */
export const REFUSED_BODY_LINGER_MS = 10_000;

/**
 * After a 413: reads and discards the rest of the body, then closes the connection. Closing at
 * once would reset the socket under a client still sending (EPIPE), and a client that sends its
 * whole body before reading (curl, `requests`) would never see the 413. The connection is kept
 * alive for Node (a `Connection: close` answer makes Node destroy the socket as soon as the answer
 * is written), so Node dumps the body; the socket is ended once the body is in, or destroyed after
 * `lingerMs` of a body that does not end.
 */
export function closeAfterDrain(req: IncomingMessage, res: ServerResponse, lingerMs = REFUSED_BODY_LINGER_MS): void {
  const socket = req.socket;
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  timer.unref();
  const close = (): void => {
    clearTimeout(timer);
    socket.end();
  };
  socket.once('close', () => clearTimeout(timer));
  res.once('finish', () => {
    if (req.complete) close();
    else {
      req.once('end', close);
      req.resume();
    }
  });
}
