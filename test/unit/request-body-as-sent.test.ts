// Request bodies are stored as the bytes the client sent, after redaction (issue 20's fidelity fix):
// `decodeBody(request.body)` gives back those bytes, the parsed view (`json`) and the key stay what
// they were, and a secret anywhere in a non-compact body is replaced in the bytes as in the view.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/match/body-codec.js';
import { createCanonicalBody } from '../../src/match/canonical-body.js';
import { RequestMatcher } from '../../src/match/request-matcher.js';
import { rewriteJsonStrings, rewriteJsonText } from '../../src/match/rewrite-json-strings.js';
import { createRedactor } from '../../src/safety/create-redactor.js';
import { credentialRegex } from '../../src/safety/credential-patterns.js';
import type { RewriteRule } from '../../src/types.js';

const SECRET = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123';
const BEARER = 'abcdefghijklmnopqrstuvwxyz012345';

function matcher(rules: RewriteRule[] = []): RequestMatcher {
  return new RequestMatcher(['anthropic-version'], createRedactor(rules), () => createCanonicalBody({ ignore: [], normalize: [] }));
}

function store(text: string, contentType: string | undefined = 'application/json', rules: RewriteRule[] = []) {
  return matcher(rules).match({
    method: 'POST',
    provider: 'openai',
    path: '/v1/chat/completions',
    query: '',
    headers: contentType === undefined ? {} : { 'content-type': contentType },
    body: Buffer.from(text, 'utf8'),
  });
}

const holdsSecret = (text: string): boolean => text.includes(SECRET) || text.includes(BEARER) || credentialRegex().test(text);

describe('request bodies stored as sent', () => {
  it('keeps big numbers, indentation, key order and unicode escapes byte for byte; the parsed view and the key are unchanged', () => {
    const sent =
      '{\n    "model" : "gpt-4o",\n\t"seed": 12345678901234567890,\n  "big": 1e400, "tiny": 0.10000000000000000555,\n  "2": "numeric key",\n  "messages": [ {"role": "user", "content": "caf\\u00e9 \\ud83d\\ude00 \\"q\\""} ]\n}\n';
    const { request, key } = store(sent);
    expect(decodeBody(request.body).toString('utf8')).toBe(sent);
    expect(request.body).toMatchObject({ kind: 'json', raw: sent, json: JSON.parse(sent) });
    // The key is the one the same request sent compactly gets: stores recorded before keep matching.
    expect(key).toBe(store(JSON.stringify(JSON.parse(sent))).key);
    expect(request.contentType).toBeUndefined();
  });

  it('stores a compact or JSON.stringify-indented body once (no raw copy)', () => {
    const value = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] };
    expect(store(JSON.stringify(value)).request.body).toEqual({ kind: 'json', json: value });
    expect(store(JSON.stringify(value, null, 2)).request.body).toEqual({ kind: 'json', json: value, indent: 2 });
    expect(decodeBody(store(JSON.stringify(value, null, 2)).request.body).toString()).toBe(JSON.stringify(value, null, 2));
  });

  it('replaces a secret planted in a non-compact body in the bytes, leaving every other byte as sent', () => {
    const sent = [
      '{',
      '  "model":   "gpt-4o",',
      '  "api_key" :',
      `        "${SECRET}",`,
      // The same shape written with a unicode escape (s = \\u0073), and a bearer token split by whitespace.
      `  "escaped": "\\u0073${SECRET.slice(1)}",`,
      `  "auth": "Bearer\\n\\t   ${BEARER}",`,
      '  "seed": 12345678901234567890,',
      '  "messages": [{"role": "user", "content": "keep me"}]',
      '}',
    ].join('\n');
    const { request, key } = store(sent);
    const stored = decodeBody(request.body).toString('utf8');
    expect(holdsSecret(stored)).toBe(false);
    expect(holdsSecret(JSON.stringify(request))).toBe(false);
    // Only the three string literals changed: the rest is the sent text, big number included.
    expect(stored).toBe(
      sent
        .replace(`"${SECRET}"`, '"<REDACTED>"')
        .replace(`"\\u0073${SECRET.slice(1)}"`, '"<REDACTED>"')
        .replace(`"Bearer\\n\\t   ${BEARER}"`, '"<REDACTED>"'),
    );
    expect(JSON.parse(stored)).toEqual(request.body.kind === 'json' ? request.body.json : undefined);
    expect(key).toBe(store(JSON.stringify(JSON.parse(sent))).key);
  });

  it('applies a path-limited redact rule only at its path, in the bytes as in the parsed view', () => {
    const rules = [{ pattern: '\\d{4}', replacement: '####', path: 'messages[*].content' }];
    const sent = '{ "note": "order 1234", "messages": [ { "role": "user", "content": "pin 9876" } ] }';
    const stored = decodeBody(store(sent, 'application/json', rules).request.body).toString();
    expect(stored).toBe('{ "note": "order 1234", "messages": [ { "role": "user", "content": "pin ####" } ] }');
  });

  it('stores a body that repeats a key parsed only: the earlier values never reached the redaction', () => {
    for (const sent of [`{ "key": "${SECRET}", "key": "plain" }`, `{"a": {"key": "\\u0073${SECRET.slice(1)}", "key": {"b": 1}}}`]) {
      const { request } = store(sent);
      expect(request.body).toEqual({ kind: 'json', json: JSON.parse(sent) });
      expect(holdsSecret(decodeBody(request.body).toString())).toBe(false);
    }
    // Only a repeat within one object counts.
    const fine = '{ "a": {"key": 1}, "b": {"key": 2} }';
    expect(store(fine).request.body).toMatchObject({ raw: fine });
  });

  it('keeps the content type when a resend could not infer it', () => {
    expect(store('{ "a": 1 }', 'application/json; charset=utf-8').request.contentType).toBe('application/json; charset=utf-8');
    expect(store('plain text', 'text/plain').request).toMatchObject({
      body: { kind: 'text', text: 'plain text' },
      contentType: 'text/plain',
    });
    expect(store('{"a":1}', 'application/json').request.contentType).toBeUndefined();
    // A body that is not UTF-8 stays base64 of its exact bytes, with its type.
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x80]);
    const binary = matcher().match({
      method: 'POST',
      provider: 'openai',
      path: '/v1/audio',
      query: '',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    }).request;
    expect(binary).toMatchObject({ body: { kind: 'base64' }, contentType: 'application/octet-stream' });
    expect(decodeBody(binary.body).equals(bytes)).toBe(true);
    expect(store('', 'application/json').request.contentType).toBeUndefined();
  });

  it('property: any JSON with secrets in its strings, in any layout, stores bytes that parse to the stored view and hold no secret', () => {
    const withSecrets = fc
      .jsonValue({ maxDepth: 4 })
      .chain((v) =>
        fc.tuple(fc.constant(v), fc.nat(6), fc.array(fc.constantFrom(SECRET, `Bearer  ${BEARER}`), { minLength: 1, maxLength: 3 })),
      );
    fc.assert(
      fc.property(withSecrets, ([value, indent, secrets]) => {
        const body = { value, secrets, nested: [{ s: secrets.join(' / ') }] };
        // Spaces after colons and commas: a layout JSON.stringify never writes, so the bytes are kept.
        const sent = JSON.stringify(body, null, indent).replace(/":/g, '" :').replace(/,\n/g, ' ,\n');
        const { request } = store(sent);
        const stored = decodeBody(request.body).toString('utf8');
        expect(holdsSecret(stored)).toBe(false);
        expect(JSON.parse(stored)).toEqual(request.body.kind === 'json' ? request.body.json : undefined);
      }),
      { numRuns: 200 },
    );
  });

  it('rewriteJsonStrings leaves text alone when nothing differs and handles escaped quotes and backslashes', () => {
    const text = '{"a\\"b": "x\\\\", "c": ["\\"", 1e400]}';
    expect(rewriteJsonStrings(text, JSON.parse(text))).toBe(text);
    expect(rewriteJsonStrings(text, { 'a"b': 'y', c: ['z', Infinity] })).toBe('{"a\\"b": "y", "c": ["z", 1e400]}');
    expect(rewriteJsonStrings('"root"', 'other')).toBe('"other"');
    expect(rewriteJsonStrings('{"a": 1, "b": 2, "a": 3}', { a: 3, b: 2 }, false)).toBeUndefined();
  });

  it('rewriteJsonText keeps the layout when only strings changed (--model), and gives up when keys did', () => {
    const text = '{ "model" : "a",\n  "n": 12345678901234567890 }';
    expect(rewriteJsonText(text, { ...JSON.parse(text), model: 'b' })).toBe('{ "model" : "b",\n  "n": 12345678901234567890 }');
    expect(rewriteJsonText(text, { ...JSON.parse(text), extra: 'x' })).toBeUndefined();
    expect(rewriteJsonText(text, { model: 'b' })).toBeUndefined();
  });
});
