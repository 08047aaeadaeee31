// The row's JSON splices a JSON body's own text (checked to be what JSON.stringify writes for it)
// instead of serialising the parsed value again (issue 20). The row must stay byte for byte
// `JSON.stringify(interaction)`: a splice of the wrong text (indented, escaped differently, big
// numbers, a BOM, a secret the redaction took out afterwards) would store another body.
import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, SPLICED_BODY_CHARS, decodeBody, encodeBody } from '../../src/match/body-codec.js';
import { createCanonicalBody } from '../../src/match/canonical-body.js';
import { RequestMatcher } from '../../src/match/request-matcher.js';
import { createRedactor } from '../../src/safety/create-redactor.js';
import type { Interaction, RecordedRequest, StoredBody } from '../../src/types.js';
import { jsonTextOf, stringifyInteraction } from '../../src/util/prepared-json.js';

const SECRET = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx0123';
// Text long enough for its body to be spliced (shorter bodies are serialised again: cheaper).
const PAD = 'p'.repeat(SPLICED_BODY_CHARS);
const redactor = createRedactor([{ pattern: 'internal-host-[0-9]+', replacement: '<HOST>' }]);

function interaction(request: RecordedRequest, body: StoredBody): Interaction {
  return {
    episode: 'e',
    take: 1,
    position: 1,
    provider: 'openai',
    family: 'openai',
    key: 'k',
    keyVersion: 2,
    occurrence: 1,
    request,
    response: { status: 200, headers: { 'content-type': 'application/json' }, body },
    complete: true,
    timings: { ttfbMs: 1, totalMs: 2 },
    recordedAt: '2026-12-04T00:00:00.000Z',
    productVersion: 'test',
  };
}

const emptyRequest: RecordedRequest = { method: 'POST', path: '/v1/chat/completions', query: [], headers: {}, body: { kind: 'empty' } };

/** Stores `text` as an answer is stored (redacted, then parsed) and reads the row back. */
function roundTrip(text: string): { body: StoredBody; row: string; back: Interaction } {
  const body = encodeBody(Buffer.from(text, 'utf8'), 'application/json', { redact: redactor.text });
  const i = interaction(emptyRequest, body);
  const row = stringifyInteraction(i);
  expect(row).toBe(JSON.stringify(i));
  return { body, row, back: JSON.parse(row) as Interaction };
}

describe('row JSON splices a JSON body text', () => {
  it('splices a compact answer and reads back the same bytes', () => {
    const text = JSON.stringify({
      id: 'chatcmpl-1',
      choices: [{ message: { role: 'assistant', content: 'caf\u00e9 😀 "q" $& $` $\'' } }],
      n: 1.5,
      pad: PAD,
    });
    const { body, back } = roundTrip(text);
    // The splice was taken (not the JSON.stringify fallback), and it is right.
    expect(jsonTextOf(body)).toBe(`{"kind":"json","json":${text}}`);
    expect(decodeBody(back.response.body as StoredBody).toString('utf8')).toBe(text);
  });

  it('does not splice texts JSON.stringify would not write, and still reads back their bytes', () => {
    const texts = [
      // A compact form differing from the text: spacing, a trailing newline, escapes, numeric keys, big numbers.
      `{"a": 1, "pad": "${PAD}"}`,
      `{"a":1,"pad":"${PAD}"}\n`,
      `{"a":"caf\\u00e9","pad":"${PAD}"}`,
      `{"b":1,"2":"numeric key first in JS","pad":"${PAD}"}`,
      `{"seed":12345678901234567890,"big":1e400,"tiny":0.10000000000000000555,"pad":"${PAD}"}`,
      JSON.stringify({ a: [1, { b: 2 }], pad: PAD }, null, 2),
      // A byte order mark: stored as text (JSON.parse refuses it), and it comes back.
      `\uFEFF{"a":1,"pad":"${PAD}"}`,
    ];
    for (const text of texts) {
      const { body, back } = roundTrip(text);
      expect(jsonTextOf(body), text).toBeUndefined();
      expect(decodeBody(back.response.body as StoredBody).toString('utf8'), text).toBe(text);
      // The same value written compactly is spliced: the text above was refused for its form, not its size.
      if (body.kind === 'json') expect(jsonTextOf(roundTrip(JSON.stringify(body.json)).body), text).toBeDefined();
    }
    // A short body is serialised again rather than remembered (cheaper), and reads back the same.
    const short = roundTrip('{"a":1}');
    expect(jsonTextOf(short.body)).toBeUndefined();
    expect(decodeBody(short.back.response.body as StoredBody).toString('utf8')).toBe('{"a":1}');
  });

  it('splices the redacted text of an answer, never the secret', () => {
    const text = JSON.stringify({ note: `key ${SECRET} on internal-host-42`, pad: PAD });
    const { body, row } = roundTrip(text);
    expect(jsonTextOf(body)).toBeDefined();
    expect(row).not.toContain(SECRET);
    expect(row).not.toContain('internal-host-42');
    expect(row).toContain('<HOST>');
  });

  it('splices request and answer together; a request body redaction rewrote is serialised anew', () => {
    const matcher = new RequestMatcher([], redactor, () => createCanonicalBody({ ignore: [], normalize: [] }));
    const match = (body: string) =>
      matcher.match({
        method: 'POST',
        provider: 'openai',
        path: '/v1/chat/completions',
        query: '',
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(body, 'utf8'),
      });
    const clean = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: `hi ${PAD}` }] });
    const answer = encodeBody(Buffer.from('{"id":"x","choices":[]}'), 'application/json', { redact: redactor.text });

    const plain = match(clean).request;
    expect(jsonTextOf(plain.body)).toBe(`{"kind":"json","json":${clean}}`);
    const both = interaction(plain, answer);
    expect(stringifyInteraction(both)).toBe(JSON.stringify(both));

    // Compact as sent, so JSON.stringify reproduced it before redaction: the remembered text held the secret.
    const secret = match(JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: `use ${SECRET} ${PAD}` }] })).request;
    expect(jsonTextOf(secret.body)).toBeUndefined();
    const row = stringifyInteraction(interaction(secret, answer));
    expect(row).toBe(JSON.stringify(interaction(secret, answer)));
    expect(row).not.toContain(SECRET);
    expect(row).toContain('<REDACTED>');
  });
});

describe('request and answer bodies: the checks skipped when they cannot matter', () => {
  const matcherWith = (rules: Parameters<typeof createRedactor>[0]) =>
    new RequestMatcher([], createRedactor(rules), () => createCanonicalBody({ ignore: [], normalize: [] }));
  const stored = (m: RequestMatcher, body: string) =>
    m.match({ method: 'POST', provider: 'openai', path: '/v1/chat/completions', query: '', headers: {}, body: Buffer.from(body, 'utf8') })
      .request.body;

  it('still redacts a compact request body by config rules and built-in shapes', () => {
    const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'ask internal-host-42' }] });
    expect(stored(matcherWith([{ pattern: 'internal-host-[0-9]+', replacement: '<HOST>' }]), body)).toEqual({
      kind: 'json',
      json: { model: 'gpt-4o', messages: [{ role: 'user', content: 'ask <HOST>' }] },
    });
    // No config rules: only a credential shape is replaced; text without one is stored as sent.
    expect(stored(matcherWith([]), body)).toEqual({ kind: 'json', json: JSON.parse(body) });
    const bearer = JSON.stringify({ headers: { auth: 'Bearer abcdefghijklmnopqrstuvwxyz0123' } });
    expect(stored(matcherWith([]), bearer)).toEqual({ kind: 'json', json: { headers: { auth: '<REDACTED>' } } });
  });

  it(`stores JSON nested ${MAX_JSON_DEPTH} levels as JSON, one more as text, and many shallow brackets as JSON`, () => {
    const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    expect(encodeBody(Buffer.from(nested(MAX_JSON_DEPTH)), 'application/json').kind).toBe('json');
    expect(encodeBody(Buffer.from(nested(MAX_JSON_DEPTH + 1)), 'application/json')).toEqual({
      kind: 'text',
      text: nested(MAX_JSON_DEPTH + 1),
    });
    const wide = JSON.stringify({ items: Array.from({ length: 400 }, (_, n) => ({ n, text: '{[' })) });
    expect(encodeBody(Buffer.from(wide), 'application/json').kind).toBe('json');
    // Brackets inside strings count toward the bound only; the walk decides.
    const quoted = JSON.stringify({ text: '['.repeat(1000) });
    expect(encodeBody(Buffer.from(quoted), 'application/json').kind).toBe('json');
  });
});
