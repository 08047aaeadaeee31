import * as crypto from 'node:crypto';
import { createHash } from 'node:crypto';
import type { RecordedRequest } from '../types.js';
import { stableJson } from './canonical-body.js';
import type { CanonicalBodyFn } from './canonical-body.js';

/**
 * Version of the key rules below. Stored with every interaction: a store written under other
 * rules is re-keyed from its stored requests on load instead of silently missing.
 */
export const KEY_VERSION = 2;

/**
 * Fingerprint of the rules a key is computed under: KEY_VERSION and a provider's canonical body
 * rules (`CanonicalBodyFn.rules`: ignored fields, normalize rules). Stored beside each key
 * (`keyRules`); golden trusts a stored key only when its fingerprint equals the current one.
 */
export function keyRulesFingerprint(bodyRules: string): string {
  return createHash('sha256').update(`k${KEY_VERSION}\n${bodyRules}`).digest('hex').slice(0, 16);
}

/**
 * Query parameters that carry credentials (compared lower-cased): never stored, never part of a
 * key. Adding a name changes only the keys of requests that carried it, and those recordings held
 * the secret: record them again.
 */
export const SECRET_QUERY_PARAMS: ReadonlySet<string> = new Set([
  'key',
  'api_key',
  'api-key',
  'apikey',
  'x-api-key',
  'access_token',
  'access-token',
  'token',
  'auth',
  'auth_token',
  'client_secret',
  'secret',
  'password',
  'sig',
  'signature',
  'x-goog-api-key',
]);

/** The matching form of a request: what the key hashes, and what a miss is explained with. */
export interface CanonicalRequest {
  method: string;
  provider: string;
  path: string;
  query: string;
  headers: string;
  /** How the body was stored: a JSON body `{"$text":"a"}` and a text body `a` must not share a key. */
  bodyKind: RecordedRequest['body']['kind'];
  body: unknown;
}

/** Builds the canonical form of a stored (already redacted) request. */
export function canonicalRequest(provider: string, req: RecordedRequest, canonicalBody: CanonicalBodyFn): CanonicalRequest {
  const query = [...req.query].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const headers = Object.keys(req.headers)
    .sort()
    .map((h) => `${h}:${req.headers[h]}`)
    .join('\n');
  let body: unknown;
  switch (req.body.kind) {
    case 'json':
      body = canonicalBody(req.body.json);
      break;
    case 'text':
      body = { $text: canonicalBody.text ? canonicalBody.text(req.body.text) : req.body.text };
      break;
    case 'base64':
      body = { $base64: req.body.base64 };
      break;
    case 'empty':
      body = null;
  }
  return {
    method: req.method.toUpperCase(),
    provider,
    path: req.path,
    query: new URLSearchParams(query).toString(),
    headers,
    bodyKind: req.body.kind,
    body,
  };
}

/** Hashes a canonical request into its key (hex sha256, 32 chars). */
export function requestKey(c: CanonicalRequest): string {
  const text = `k${KEY_VERSION}\n${c.method}\n${c.provider}\n${c.path}\n${c.query}\n${c.headers}\n${c.bodyKind}\n${stableJson(c.body)}`;
  return sha256Hex(text).slice(0, 32);
}

/**
 * One-shot SHA-256 (`crypto.hash`, Node 20.12+): a third of `createHash().update().digest()`'s CPU
 * for a request-sized text, and no Hash object per request. Older Node 20 falls back.
 */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
const sha256Hex: (text: string) => string =
  typeof oneShot === 'function' ? (text) => oneShot('sha256', text, 'hex') : (text) => createHash('sha256').update(text).digest('hex');
