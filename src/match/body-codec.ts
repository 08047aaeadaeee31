import type { StoredBody } from '../types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns body bytes into their stored form: JSON when it parses (with what reproduces the exact
 * bytes), text when it is UTF-8, base64 otherwise.
 */
export function encodeBody(bytes: Buffer, contentType: string | undefined): StoredBody {
  if (bytes.length === 0) return { kind: 'empty' };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { kind: 'base64', base64: bytes.toString('base64') };
  }
  if (looksLikeJson(text, contentType)) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { kind: 'text', text };
    }
    return jsonBody(json, text);
  }
  return { kind: 'text', text };
}

/** A JSON stored body that re-serializes to exactly `text`. */
export function jsonBody(json: unknown, text: string): StoredBody {
  for (const indent of [0, 2, 4]) {
    if (JSON.stringify(json, null, indent) === text) return indent === 0 ? { kind: 'json', json } : { kind: 'json', json, indent };
  }
  // Trailing newline, odd spacing, key order JS cannot keep (numeric keys), big numbers: keep the bytes.
  return { kind: 'json', json, raw: text };
}

/** The exact bytes a stored body stands for. */
export function decodeBody(body: StoredBody): Buffer {
  switch (body.kind) {
    case 'empty':
      return Buffer.alloc(0);
    case 'json':
      return Buffer.from(body.raw ?? JSON.stringify(body.json, null, body.indent ?? 0), 'utf8');
    case 'text':
      return Buffer.from(body.text, 'utf8');
    case 'base64':
      return Buffer.from(body.base64, 'base64');
  }
}

function looksLikeJson(text: string, contentType: string | undefined): boolean {
  if (contentType !== undefined && /\bjson\b/i.test(contentType)) return true;
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}
