import { createHash } from 'node:crypto';
import type { Redactor } from '../safety/create-redactor.js';
import { CREDENTIAL_PATTERNS } from '../safety/credential-patterns.js';
import type { RecordedRequest, StoredBody } from '../types.js';
import { forgetJsonText } from '../util/prepared-json.js';
import { encodeBody, redactTextBytes } from './body-codec.js';
import { encodeMultipartBody } from './multipart-body.js';
import { rewriteJsonStrings } from './rewrite-json-strings.js';
import type { CanonicalBodyFn } from './canonical-body.js';
import { SECRET_QUERY_PARAMS, canonicalRequest, keyRulesFingerprint, requestKey } from './request-key.js';

export interface IncomingRequestParts {
  method: string;
  provider: string;
  path: string;
  query: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
}

export interface MatchedRequest {
  /** The request as stored: redacted, secrets gone. */
  request: RecordedRequest;
  key: string;
}

/**
 * Distinct requests remembered. A test suite repeats a few hundred requests; a recording session
 * sends mostly new ones, and each entry holds its parsed body (1–2 KB), so more is memory for nothing.
 */
const CACHE_LIMIT = 1_000;
const MEMO_INLINE_BYTES = 16 * 1024;

/**
 * Turns incoming requests into their stored form and key. The raw bytes are hashed first so a
 * repeated identical request skips parsing, redaction and canonicalization altogether.
 */
export class RequestMatcher {
  readonly #headers: readonly string[];
  readonly #redactor: Redactor;
  readonly #canonicalBody: (provider: string) => CanonicalBodyFn;
  readonly #cache = new Map<string, MatchedRequest>();
  readonly #fingerprints = new Map<string, string | undefined>();
  /** The redactor applies the built-in credential shapes only (no config `redact` rules). */
  readonly #builtInOnly: boolean;

  constructor(headers: readonly string[], redactor: Redactor, canonicalBody: (provider: string) => CanonicalBodyFn) {
    this.#headers = headers.map((h) => h.toLowerCase());
    this.#redactor = redactor;
    this.#builtInOnly = redactor.rules?.length === 0;
    this.#canonicalBody = canonicalBody;
  }

  match(parts: IncomingRequestParts): MatchedRequest {
    const headerValues = this.#headers.map((h) => headerValue(parts.headers[h]) ?? '');
    const contentType = headerValue(parts.headers['content-type']);
    const head = `${parts.method}\0${parts.provider}\0${parts.path}\0${parts.query}\0${headerValues.join('\0')}\0${contentType ?? ''}\0`;
    // Small bodies are their own memo key (a latin1 copy is cheaper than a hash); large ones are hashed.
    const hash =
      parts.body.length <= MEMO_INLINE_BYTES
        ? `${head}b${parts.body.toString('latin1')}`
        : `${head}h${createHash('sha1').update(parts.body).digest('base64')}`;
    const cached = this.#cache.get(hash);
    if (cached) return cached;
    const headers: Record<string, string> = {};
    this.#headers.forEach((h, i) => {
      if (headerValues[i]) headers[h] = headerValues[i];
    });
    const body = this.#redactBody(requestBody(parts.body, contentType), parts.body);
    const request: RecordedRequest = {
      method: parts.method.toUpperCase(),
      path: parts.path,
      query: parseQuery(parts.query).map(([k, v]) => [k, this.#redactor.text(v)]),
      headers,
      body,
    };
    const storedType = contentTypeToStore(body, contentType);
    if (storedType !== undefined) request.contentType = this.#redactor.text(storedType);
    const matched = { request, key: this.keyOf(parts.provider, request) };
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(hash, matched);
    return matched;
  }

  /** The key of a stored request under the current rules (used to re-key stores on load). */
  keyOf(provider: string, request: RecordedRequest): string {
    return requestKey(canonicalRequest(provider, request, this.#canonicalBody(provider)));
  }

  /**
   * Fingerprint of the rules `keyOf` applies to a provider's requests (see `keyRulesFingerprint`);
   * undefined when the canonical body function does not name its rules: then no stored key is trusted.
   */
  rulesFingerprint(provider: string): string | undefined {
    if (this.#fingerprints.has(provider)) return this.#fingerprints.get(provider);
    const rules = this.#canonicalBody(provider).rules;
    const fingerprint = rules === undefined ? undefined : keyRulesFingerprint(rules);
    this.#fingerprints.set(provider, fingerprint);
    return fingerprint;
  }

  #redactBody(body: StoredBody, bytes: Buffer): StoredBody {
    switch (body.kind) {
      case 'json': {
        // Nothing in the body can be redacted: the walk of its strings is skipped (issue 20).
        if (body.raw === undefined && this.#builtInOnly && !mayHoldCredentialBytes(bytes)) return body;
        // The parsed view is redacted value by value (the key is computed from it); the bytes sent
        // (`raw`, when JSON.stringify does not reproduce them) get the same replacements in place.
        let changed = false;
        const json = this.#redactor.json(body.json, () => (changed = true));
        // JSON.stringify(json, null, indent) reproduces the bytes: nothing more to do, but for the
        // text remembered for the row's JSON (body-codec.ts `jsonBody`), which no longer is the body's.
        if (body.raw === undefined) {
          if (changed) forgetJsonText(body);
          return body;
        }
        // Scanned even when nothing changed: a repeated key's earlier values never reached the
        // redaction (JSON.parse keeps the last), so such a body is stored parsed only.
        const raw = rewriteJsonStrings(body.raw, json, changed);
        return raw === undefined ? { kind: 'json', json } : { kind: 'json', json, raw };
      }
      case 'text':
        return { kind: 'text', text: this.#redactor.text(body.text) };
      case 'base64': {
        // Not UTF-8 but maybe still text (Latin-1...): its credentials too (issue 13 item 15).
        const bytes = Buffer.from(body.base64, 'base64');
        const redacted = redactTextBytes(bytes, this.#redactor.text);
        return redacted === bytes ? body : { kind: 'base64', base64: redacted.toString('base64') };
      }
      default:
        return body;
    }
  }
}

// Text every built-in credential shape contains, as bytes (ASCII: UTF-8 holds it as these bytes),
// and the start of a `\uXXXX` escape, which could spell any of them in a JSON string.
const CREDENTIAL_LITERALS = [...CREDENTIAL_PATTERNS.map((p) => Buffer.from(p.literal, 'latin1')), Buffer.from('\\u', 'latin1')];

/**
 * False when a JSON body's bytes cannot hold a built-in credential shape in any of its strings:
 * none of the shapes' literals occurs, spelled out or escaped (safety/credential-patterns.ts).
 */
function mayHoldCredentialBytes(bytes: Buffer): boolean {
  for (const literal of CREDENTIAL_LITERALS) if (bytes.includes(literal)) return true;
  return false;
}

/** Query pairs in order, credentials (`key=`) left out. */
export function parseQuery(query: string): [string, string][] {
  if (!query) return [];
  return [...new URLSearchParams(query)].filter(([k]) => !SECRET_QUERY_PARAMS.has(k.toLowerCase()));
}

export function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A request body's stored form: a multipart upload by its parts (files hashed), anything else by its bytes. */
function requestBody(bytes: Buffer, contentType: string | undefined): StoredBody {
  return encodeMultipartBody(bytes, contentType) ?? encodeBody(bytes, contentType);
}

/**
 * The request's content type when a resend could not infer it: a JSON body is resent as
 * `application/json`, so only another spelling (`application/json; charset=utf-8`) is kept;
 * a text or binary body keeps whatever it had. A multipart body is stored by its parts, not its bytes.
 */
function contentTypeToStore(body: StoredBody, contentType: string | undefined): string | undefined {
  if (contentType === undefined || body.kind === 'empty') return undefined;
  if (/^multipart\//i.test(contentType)) return undefined;
  if (body.kind === 'json' && contentType === 'application/json') return undefined;
  return contentType;
}
