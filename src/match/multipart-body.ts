import { createHash } from 'node:crypto';
import type { StoredBody } from '../types.js';

/** One part of a multipart/form-data body as it is keyed: fields by value, files by their hash. */
export type MultipartPart =
  { name: string; value: string } | { name: string; filename: string; contentType?: string; bytes: number; sha256: string };

const CRLF_CRLF = Buffer.from('\r\n\r\n');

/**
 * The matching form of a `multipart/form-data` request (audio transcription, image edits, file
 * uploads): its parts in order, a file as its name, type, size and SHA-256, so the random boundary
 * a client draws for every request never changes the key and megabytes of audio are not stored.
 * Undefined when the body is not well-formed multipart: it is then keyed by its bytes as before.
 *
 * A small strict reader (RFC 7578 framing only) rather than a streaming parser: matching is
 * synchronous and runs on a body already read whole.
 */
export function encodeMultipartBody(bytes: Buffer, contentType: string | undefined): StoredBody | undefined {
  if (contentType === undefined || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return undefined;
  const parts = readParts(bytes, boundary);
  return parts === undefined ? undefined : { kind: 'json', json: { multipart: parts } };
}

function readParts(bytes: Buffer, boundary: string): MultipartPart[] | undefined {
  const delimiter = Buffer.from(`--${boundary}`);
  const between = Buffer.from(`\r\n--${boundary}`);
  const parts: MultipartPart[] = [];
  let at = bytes.indexOf(delimiter);
  if (at === -1) return undefined;
  at += delimiter.length;
  for (;;) {
    if (bytes[at] === 0x2d && bytes[at + 1] === 0x2d) return parts; // `--`: the closing delimiter
    if (bytes[at] !== 0x0d || bytes[at + 1] !== 0x0a) return undefined;
    const headEnd = bytes.indexOf(CRLF_CRLF, at + 2);
    if (headEnd === -1) return undefined;
    const next = bytes.indexOf(between, headEnd + 4);
    if (next === -1) return undefined;
    const part = partOf(bytes.subarray(at + 2, headEnd).toString('utf8'), bytes.subarray(headEnd + 4, next));
    if (part === undefined) return undefined;
    parts.push(part);
    at = next + between.length;
  }
}

function partOf(head: string, data: Buffer): MultipartPart | undefined {
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition') ?? '';
  const name = param(disposition, 'name');
  if (name === undefined) return undefined;
  const filename = param(disposition, 'filename');
  if (filename === undefined) return { name, value: data.toString('utf8') };
  const contentType = headers.get('content-type');
  const sha256 = createHash('sha256').update(data).digest('hex');
  return { name, filename, ...(contentType ? { contentType } : {}), bytes: data.length, sha256 };
}

function param(disposition: string, key: string): string | undefined {
  const m =
    new RegExp(`;\\s*${key}="((?:[^"\\\\]|\\\\.)*)"`, 'i').exec(disposition) ?? new RegExp(`;\\s*${key}=([^;\\s]+)`, 'i').exec(disposition);
  return m?.[1]?.replace(/\\(.)/g, '$1');
}
