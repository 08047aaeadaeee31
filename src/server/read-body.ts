import type { IncomingMessage } from 'node:http';
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
