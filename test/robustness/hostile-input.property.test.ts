// Hostile input, property-based (fast-check): the canonicalizer and request key over arbitrary
// JSON, episode ids, cassette.config.json contents, and the stream framers over arbitrary text.
// Every property runs a bounded number of cases (NUM_RUNS below; x10 under CASSETTE_SOAK), so the
// file stays within a few seconds. Cases per run are listed next to each property.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS } from '../../src/config/config-defaults.js';
import { loadOptions } from '../../src/config/load-config.js';
import { CassetteError } from '../../src/errors.js';
import { decodeBody, encodeBody } from '../../src/match/body-codec.js';
import { createCanonicalBody } from '../../src/match/canonical-body.js';
import { RequestMatcher } from '../../src/match/request-matcher.js';
import { createProviderRegistry, providerOfFamily } from '../../src/providers/registry.js';
import { createRedactor } from '../../src/safety/create-redactor.js';
import { assertEpisodeId, routeRequest } from '../../src/server/route-request.js';
import { isEpisodeDirName } from '../../src/store/episode-dir-name.js';
import { createFramer } from '../../src/stream/create-framer.js';
import { parseEvent } from '../../src/stream/parse-event.js';
import type { StreamFormat } from '../../src/stream/types.js';
import { ResponseCapture } from '../../src/upstream/response-capture.js';

const SOAK = Boolean(process.env.CASSETTE_SOAK);
/** Cases per property: 200 normally (x10 under CASSETTE_SOAK); heavier properties use fewer. */
const NUM_RUNS = SOAK ? 2_000 : 200;
const runs = (n: number): { numRuns: number } => ({
  numRuns: SOAK ? n * 10 : n,
});

/** A config key path as error messages print it: `(root)`, or `a.b[0]["odd key"]`, then `: `. */
const SEGMENT = String.raw`(?:\[\d+\]|\["(?:[^"\\]|\\.)*"\])`;
const KEY_PATH = new RegExp(String.raw`^(?:\(root\)|(?:[A-Za-z_$][\w$]*|${SEGMENT})(?:\.[A-Za-z_$][\w$]*|${SEGMENT})*): `);

/** The episode id rule of SPEC §2, written out independently of the product. */
const SPEC_EPISODE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

// ---------------------------------------------------------------------------------------------
// Request matching over arbitrary JSON.
// ---------------------------------------------------------------------------------------------

const openai = providerOfFamily('openai')!;
function makeMatcher(): RequestMatcher {
  const canonical = createCanonicalBody({
    ignore: [...openai.ignoredFields, 'messages[*].name'],
    normalize: [{ pattern: '\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z', replacement: '<TS>' }],
  });
  return new RequestMatcher(['openai-beta'], createRedactor([]), () => canonical);
}

function keyOf(
  matcher: RequestMatcher,
  body: string | Buffer,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): string {
  return matcher.match({
    method: 'POST',
    provider: 'openai',
    path: '/v1/chat/completions',
    query: 'a=1&b=2',
    headers,
    body: Buffer.from(body),
  }).key;
}

/** Rebuilds a JSON value with every object's keys in another order (own `__proto__` keys kept). */
function reorder(value: unknown, rand: () => number): unknown {
  if (Array.isArray(value)) return value.map((v) => reorder(v, rand));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, reorder(v, rand)] as const);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [entries[i], entries[j]] = [entries[j] as (typeof entries)[number], entries[i] as (typeof entries)[number]];
    }
    return Object.fromEntries(entries);
  }
  return value;
}

/** JSON text of `value` with random whitespace between tokens (outside strings). */
function respace(value: unknown, rand: () => number): string {
  const ws = (): string => [' ', '\n', '\t', '\r\n', '', ''][Math.floor(rand() * 6)] as string;
  const walk = (v: unknown): string => {
    if (Array.isArray(v)) return `[${ws()}${v.map((x) => `${ws()}${walk(x)}${ws()}`).join(',')}${ws()}]`;
    if (v !== null && typeof v === 'object') {
      return `{${ws()}${Object.entries(v)
        .map(([k, x]) => `${ws()}${JSON.stringify(k)}${ws()}:${ws()}${walk(x)}${ws()}`)
        .join(',')}}`;
    }
    return JSON.stringify(v) ?? 'null';
  };
  return `${ws()}${walk(value)}${ws()}`;
}

function mulberry(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Arbitrary JSON with unicode (astral, lone surrogates) keys and strings, `__proto__` keys included. */
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { maxDepth: 6 },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({
      unit: fc.constantFrom('\ud800', '\udfff', 'a', '"', '\\', '\u2028', '\u0000'),
      maxLength: 8,
    }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(
      fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'metadata', 'messages', 'user')),
      tie('value'),
      {
        maxKeys: 5,
      },
    ),
  ),
})).value;

describe('request key over hostile JSON bodies', () => {
  // 200 cases (2,000 soak).
  it('never throws, and is the same under key reordering and whitespace', () => {
    const matcher = makeMatcher();
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), hostileJson), fc.integer(), (value, seed) => {
        const rand = mulberry(seed);
        const compact = JSON.stringify(value) ?? 'null';
        const shuffled = respace(reorder(value, rand), rand);
        expect(JSON.parse(shuffled)).toEqual(JSON.parse(compact));
        expect(keyOf(matcher, shuffled)).toBe(keyOf(matcher, compact));
        // Fresh matcher (no cache): the key is a function of the request, not of history.
        expect(keyOf(makeMatcher(), shuffled)).toBe(keyOf(matcher, compact));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  // 200 cases (2,000 soak).
  it('keys arbitrary bytes (not JSON, invalid UTF-8) without throwing, and tells different bytes apart', () => {
    const matcher = makeMatcher();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (a, b) => {
        const ka = keyOf(matcher, Buffer.from(a));
        expect(ka).toMatch(/^[0-9a-f]{32}$/);
        if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0) {
          let sameJson = false;
          try {
            sameJson = JSON.stringify(JSON.parse(Buffer.from(a).toString())) === JSON.stringify(JSON.parse(Buffer.from(b).toString()));
          } catch {
            // not both JSON: raw bytes must differ in key
          }
          if (!sameJson && Buffer.from(a).toString('utf8').trim() !== Buffer.from(b).toString('utf8').trim())
            expect(keyOf(matcher, Buffer.from(b))).not.toBe(ka);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('survives deep nesting (up to 100,000 levels) and keys it deterministically', () => {
    const matcher = makeMatcher();
    for (const depth of [10, 500, 2_000, 5_000, 20_000, 100_000]) {
      for (const [open, close] of [
        ['[', ']'],
        ['{"a":', '}'],
        ['{"messages":[{"content":', '}]}'],
      ] as const) {
        const text = `${open.repeat(depth)}1${close.repeat(depth)}`;
        const k = keyOf(matcher, text);
        expect(k, `depth ${depth} ${open}`).toMatch(/^[0-9a-f]{32}$/);
        expect(keyOf(makeMatcher(), text)).toBe(k);
        // And a different depth is a different request.
        expect(keyOf(matcher, `${open.repeat(depth + 1)}1${close.repeat(depth + 1)}`)).not.toBe(k);
      }
    }
  });

  it('survives huge strings, odd numbers, duplicate keys and unicode edge cases', () => {
    const matcher = makeMatcher();
    const huge = 'x'.repeat(8 * 1024 * 1024);
    const cases = [
      `{"messages":[{"role":"user","content":"${huge}"}]}`,
      `{"content":"${'\\u00e9\\ud83d\\ude00'.repeat(100_000)}"}`,
      '{"a":1e400}',
      '{"a":-1e400}',
      '{"a":-0}',
      '{"a":0}',
      '{"a":1e-400}',
      '{"a":123456789012345678901234567890}',
      '{"a":1,"a":2}',
      '{"a":2}',
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}',
      '{"\\ud800":"\\udfff","":""}',
      '"\\u0000"',
      '[]',
      '{}',
      'null',
      '\ufeff{"bom":true}',
      '{"a":1}garbage',
      '{"a":',
    ];
    const keys = new Map<string, string>();
    for (const text of cases) {
      const k = keyOf(matcher, text);
      expect(k).toMatch(/^[0-9a-f]{32}$/);
      expect(keyOf(makeMatcher(), text)).toBe(k);
      keys.set(text, k);
    }
    // JSON semantics: the last duplicate wins, -0 is 0, whitespace and order never matter.
    expect(keys.get('{"a":1,"a":2}')).toBe(keys.get('{"a":2}'));
    expect(keys.get('{"a":-0}')).toBe(keys.get('{"a":0}'));
    // Known limit (reported): numbers outside the double range parse to ±Infinity, which the
    // canonical form writes as null, so {"a":1e400}, {"a":-1e400} and {"a":null} share a key.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Ignored fields are ignored however the body is written; a normalized timestamp too.
    const k1 = keyOf(
      matcher,
      '{"model":"m","user":"u1","metadata":{"a":1},"messages":[{"role":"user","name":"n1","content":"at 2024-01-01T00:00:00Z"}]}',
    );
    const k2 = keyOf(matcher, '{ "messages" : [ { "content":"at 2025-12-31T23:59:59.999Z", "name":"n2", "role":"user" } ], "model":"m" }');
    expect(k1).toBe(k2);
  });

  // 200 cases (2,000 soak).
  it('stores any body so that the stored form gives back the exact bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(fc.oneof(fc.jsonValue(), hostileJson), fc.integer()).map(([v, seed]) => Buffer.from(respace(v, mulberry(seed)))),
          fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
          fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s)),
          fc
            .constantFrom('\ufeff{"bom":true}', '\ufeff', '\ufeffplain text', ' {"a":1} ', '{"a":1}\n', '[1,2]\r\n')
            .map((s) => Buffer.from(s)),
        ),
        fc.constantFrom(undefined, 'application/json', 'text/plain'),
        (bytes, contentType) => {
          const stored = encodeBody(bytes, contentType);
          // Through the store: every interaction is kept as JSON text.
          const reloaded = JSON.parse(JSON.stringify(stored)) as typeof stored;
          expect(decodeBody(reloaded).equals(bytes)).toBe(true);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Episode ids.
// ---------------------------------------------------------------------------------------------

describe('episode ids', () => {
  const providers = createProviderRegistry([], {});
  const accepted = (id: string): boolean => {
    try {
      assertEpisodeId(id, 'test');
      return true;
    } catch (err) {
      expect(err).toBeInstanceOf(CassetteError);
      expect((err as CassetteError).code).toBe('bad_episode_id');
      expect((err as CassetteError).httpStatus).toBe(400);
      return false;
    }
  };
  const candidates = fc.oneof(
    fc.string({ maxLength: 140 }),
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/),
    fc.stringMatching(/^[A-Za-z0-9._\-/%\n]{0,140}$/),
    fc.constantFrom('..', '.', '.hidden', 'a/../b', '%2e%2e', 'a\n', 'a\u0000', 'a'.repeat(128), 'a'.repeat(129), 'é', 'CON', 'a b', '%4A'),
  );

  // 200 cases x 3 properties (2,000 soak).
  it('are accepted iff they match the SPEC regex', () => {
    fc.assert(
      fc.property(candidates, (id) => {
        expect(accepted(id)).toBe(SPEC_EPISODE_ID.test(id));
        // The directory store uses the same rule: an accepted id is always a safe directory name.
        if (SPEC_EPISODE_ID.test(id)) expect(isEpisodeDirName(id)).toBe(true);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('in an /episodes/<id>/ path prefix, percent-encoded or not', () => {
    fc.assert(
      fc.property(candidates, fc.boolean(), (id, encode) => {
        const segment = encode ? encodeURIComponent(id) : id;
        let route: ReturnType<typeof routeRequest> | undefined;
        let error: unknown;
        try {
          route = routeRequest(`/episodes/${segment}/openai/v1/chat/completions?x=1`, providers);
        } catch (err) {
          error = err;
        }
        if (route) {
          // Accepted only as a valid id, and then exactly the id that was sent.
          expect(SPEC_EPISODE_ID.test(route.pathEpisode ?? '')).toBe(true);
          // Unencoded, a `%4A` in the id is the URL form of `J`: the path means the decoded id.
          if (encode) expect(route.pathEpisode).toBe(id);
          else if (!segment.includes('/')) expect(route.pathEpisode).toBe(decodeURIComponent(segment));
          expect(route.provider.name).toBe('openai');
        } else {
          expect(error).toBeInstanceOf(CassetteError);
          expect(['bad_episode_id', 'unknown_provider']).toContain((error as CassetteError).code);
          if (encode) expect(SPEC_EPISODE_ID.test(id)).toBe(false);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// cassette.config.json with arbitrary content.
// ---------------------------------------------------------------------------------------------

describe('cassette.config.json with arbitrary content', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cassette-fuzz-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'cassette.config.json');
  const any = fc.jsonValue({ maxDepth: 3 });
  /** Mostly `valid`; sometimes one of `invalid`, sometimes any JSON at all: one thing wrong at a time. */
  const mostly = <T>(valid: fc.Arbitrary<T>, invalid?: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
    fc.oneof({ weight: 40, arbitrary: valid }, { weight: invalid ? 2 : 0, arbitrary: invalid ?? any }, { weight: 1, arbitrary: any });
  const regexish = mostly(
    fc.constantFrom('\\d+', '\\p{L}', '(?<n>a)\\k<n>', '\\-', '.*', '(?=a)', '\\u{1F600}', '[\\w-]', 'x*', '[a-z]+@', '\\bsk-\\w+', 'a|b'),
    fc.oneof(fc.constantFrom('(a', '[', 'a{2,1}', '\\', '*'), fc.string({ maxLength: 12 })),
  );
  const jsonPath = mostly(
    fc.constantFrom('messages[*].content', 'metadata', 'a.b[0]', 'messages[*].name', 'tools[*].function.parameters', 'a.b.c'),
    fc.oneof(fc.constantFrom('a..b', '[x]', 'a[', '[', 'x[*', '.', 'a[*]b', 'a]', '[0]', 'a[-1]'), fc.string({ maxLength: 8 })),
  );
  const rule = fc.record(
    {
      pattern: regexish,
      replacement: mostly(fc.constantFrom('', '<X>', '$1', '$<n>', '$&', '$$')),
      flags: mostly(fc.stringMatching(/^[imsu]{0,3}$/), fc.constantFrom('v', 'g', 'y', 'uv', 'x')),
      path: mostly(jsonPath),
    },
    { requiredKeys: ['pattern'] },
  );
  const provider = fc.record(
    {
      name: mostly(
        fc.constantFrom('azure', 'openai', 'my-llm', 'groq_2', 'x'),
        fc.oneof(fc.constantFrom('Bad', '', 'a'.repeat(40), '../x'), fc.string({ maxLength: 8 })),
      ),
      upstream: mostly(
        fc.oneof(
          fc.webUrl({ validSchemes: ['http', 'https'] }),
          fc.constantFrom('http://127.0.0.1:1/api/', 'https://[::1]:8080/v1', 'http://a:b@host/'),
        ),
        fc.constantFrom('ftp://x', 'http://', 'not a url', 'javascript:alert(1)', 'file:///etc/passwd'),
      ),
      family: mostly(fc.constantFrom('openai', 'anthropic', 'gemini'), fc.constantFrom('nope', 'OpenAI')),
      baseUrlEnv: mostly(fc.constantFrom('AZURE_BASE_URL', 'A'), fc.constantFrom('lower', '1A', '')),
      baseUrlSuffix: mostly(fc.constantFrom('/v1', '', 'v1', '/../x', '?q=1')),
    },
    { requiredKeys: ['name', 'upstream', 'family'] },
  );
  const positive = mostly(fc.integer({ min: 1, max: 100_000_000 }), fc.constantFrom(0, -1, 1.5, 1e300, Number.MAX_SAFE_INTEGER + 2));
  const price = mostly(fc.double({ min: 0, max: 1000, noNaN: true }), fc.constantFrom(-1, -0.5));
  const config = fc.oneof(
    { weight: 1, arbitrary: any },
    {
      weight: 1,
      arbitrary: fc.dictionary(fc.string({ maxLength: 10 }), any, {
        maxKeys: 4,
      }),
    },
    { weight: 1, arbitrary: fc.record({ unknownKey: any }) },
    {
      weight: 20,
      arbitrary: fc.record(
        {
          $schema: mostly(fc.constant('./node_modules/llm-cassette/schema/cassette.config.schema.json')),
          providers: mostly(fc.array(provider, { maxLength: 3 })),
          match: mostly(
            fc.record(
              {
                ignore: mostly(fc.array(jsonPath, { maxLength: 3 })),
                normalize: mostly(fc.array(rule, { maxLength: 3 })),
                headers: mostly(
                  fc.array(mostly(fc.constantFrom('openai-beta', 'x-y', 'Content-Type'), fc.constantFrom('', 'bad header', 'a\nb')), {
                    maxLength: 3,
                  }),
                ),
              },
              { requiredKeys: [] },
            ),
          ),
          redact: mostly(fc.array(rule, { maxLength: 3 })),
          limits: mostly(
            fc.record(
              {
                maxBodyBytes: positive,
                upstreamTimeoutMs: positive,
                idleTimeoutMs: positive,
              },
              { requiredKeys: [] },
            ),
          ),
          allowUpstream: mostly(
            fc.array(mostly(fc.constantFrom('127.0.0.1:9', 'api.openai.com', '[::1]:80'), fc.constantFrom('', 'http://x/', 'a b')), {
              maxLength: 3,
            }),
          ),
          verify: mostly(fc.record({ patterns: mostly(fc.array(regexish, { maxLength: 3 })) }, { requiredKeys: [] })),
          prices: mostly(
            fc.dictionary(fc.constantFrom('gpt-4o', 'claude', ''), fc.record({ input: price, output: price }), { maxKeys: 2 }),
          ),
          contract: mostly(fc.constant({}), any),
        },
        { requiredKeys: [] },
      ),
    },
  );

  it('refuses, naming the key, what used to load and then break the server (found by the property below)', async () => {
    const cases: [unknown, string][] = [
      [{ redact: [{ pattern: '\\d+', flags: 'ss' }] }, 'redact[0].flags'],
      [{ match: { normalize: [{ pattern: '\\-', flags: 'u' }] } }, 'match.normalize[0].flags'],
      [{ match: { ignore: ['metadata', '['] } }, 'match.ignore[1]'],
      [{ redact: [{ pattern: 'a', path: 'x[y' }] }, 'redact[0].path'],
    ];
    for (const [value, key] of cases) {
      writeFileSync(path, JSON.stringify(value));
      let error: unknown;
      try {
        await loadOptions({ config: path }, {}, dir);
      } catch (err) {
        error = err;
      }
      expect(error, JSON.stringify(value)).toBeInstanceOf(CassetteError);
      expect((error as CassetteError).code).toBe('bad_config');
      expect((error as CassetteError).message).toContain(`${path}: ${key}: `);
    }
  });

  it('quotes a key that is not an identifier, so the path stays readable (found by the soak run)', async () => {
    writeFileSync(path, JSON.stringify({ prices: { ':': false, 'gpt-4o': 'cheap' } }));
    const error = await loadOptions({ config: path }, {}, dir).catch((err: unknown) => err);
    expect((error as CassetteError).message).toContain(`${path}: prices[":"]: `);
    expect((error as CassetteError).message).toContain(`prices["gpt-4o"]: `);
  });

  // 400 cases (4,000 soak).
  it('either loads and works, or fails with CassetteError(bad_config) naming the key', async () => {
    let loaded = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(config, async (value) => {
        writeFileSync(path, JSON.stringify(value));
        let file: Awaited<ReturnType<typeof loadOptions>>['file'];
        try {
          file = (await loadOptions({ config: path }, {}, dir)).file;
        } catch (err) {
          expect(err, String(err)).toBeInstanceOf(CassetteError);
          const e = err as CassetteError;
          expect(e.code, e.message).toBe('bad_config');
          expect(e.exitCode).toBe(2);
          // `<file>: <key path>: <what>`, e.g. `providers[0].upstream: Invalid URL` or `prices[":"]: ...`.
          expect(e.message.startsWith(`${path}: `), e.message).toBe(true);
          expect(e.message.slice(path.length + 2), e.message).toMatch(KEY_PATH);
          refused++;
          return;
        }
        loaded++;
        // An accepted config must also work: what the server compiles from it at start and applies
        // to every request may not throw.
        const providers = createProviderRegistry(file.providers, {});
        const redactor = createRedactor(file.redact);
        const canonical = createCanonicalBody({
          ignore: file.match.ignore,
          normalize: file.match.normalize,
        });
        const matcher = new RequestMatcher(file.match.headers, redactor, () => canonical);
        for (const p of providers.values()) {
          const k = matcher.match({
            method: 'POST',
            provider: p.name,
            path: '/v1/chat/completions',
            query: '',
            headers: {},
            body: Buffer.from(
              '{"model":"m","metadata":{"a":"2024-01-01T00:00:00Z"},"messages":[{"role":"user","name":"x","content":"hi a@b.co sk-abcdefghijklmnopqrstuvwx"}],"a":{"b":[1]}}',
            ),
          }).key;
          expect(k).toMatch(/^[0-9a-f]{32}$/);
          expect(redactor.text('some text a@b.co')).toEqual(expect.any(String));
        }
      }),
      runs(400),
    );
    // Both outcomes were exercised.
    expect(loaded).toBeGreaterThan(runs(400).numRuns / 20);
    expect(refused).toBeGreaterThan(runs(400).numRuns / 20);
  });
});

// ---------------------------------------------------------------------------------------------
// Stream framers over arbitrary text.
// ---------------------------------------------------------------------------------------------

/** Text made of the characters that matter to the framers, plus arbitrary unicode. */
const streamText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({
    unit: fc.oneof(
      {
        weight: 5,
        arbitrary: fc.constantFrom('\n', '\r', '\r\n', 'data: ', 'event: x', ':', '{', '}', '[', ']', ',', '"', '\\', ' ', '\ufeff'),
      },
      {
        weight: 3,
        arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }),
      },
    ),
    maxLength: 200,
  }),
);

function chunked(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let at = 0;
  for (const p of points) {
    out.push(text.slice(at, p));
    at = p;
  }
  out.push(text.slice(at));
  return out;
}

function frame(format: StreamFormat, chunks: string[]): string[] {
  const framer = createFramer(format);
  const events: string[] = [];
  for (const c of chunks) events.push(...framer.push(c));
  events.push(...framer.end());
  return events;
}

const passthroughRedactor = {
  json: <T>(v: T): T => v,
  text: (s: string): string => s,
  spans: (): [number, number][] => [],
};

describe.each(['sse', 'ndjson', 'json-array'] as const)('%s framer over arbitrary text', (format) => {
  // 200 cases (2,000 soak).
  it('never throws, keeps every character, and frames the same whatever the chunking', () => {
    fc.assert(
      fc.property(streamText, fc.array(fc.nat(), { maxLength: 10 }), (text, cuts) => {
        const whole = frame(format, [text]);
        const pieces = frame(format, chunked(text, cuts));
        expect(whole.join('')).toBe(text);
        expect(pieces.join('')).toBe(text);
        expect(pieces).toEqual(whole);
        for (const e of whole) {
          expect(e.length).toBeGreaterThan(0);
          expect(() => parseEvent(format, e)).not.toThrow();
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  // 100 cases (1,000 soak).
  it('through the response capture: bytes split anywhere (inside UTF-8 sequences too) come back as the same text', async () => {
    await fc.assert(
      fc.asyncProperty(streamText, fc.array(fc.nat(), { maxLength: 10 }), async (text, cuts) => {
        const bytes = Buffer.from(text, 'utf8');
        const capture = new ResponseCapture({
          startedAt: 0,
          contentType: undefined,
          contentEncoding: undefined,
          format,
          redactor: passthroughRedactor,
          limits: CONFIG_DEFAULTS.limits,
        });
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        let at = 0;
        for (const p of [...points, bytes.length]) {
          capture.push(bytes.subarray(at, p));
          at = p;
        }
        const captured = await capture.finish(true);
        expect(captured.stream?.events.map((e) => e.raw).join('')).toBe(Buffer.from(text, 'utf8').toString('utf8'));
        expect(captured.stream?.events.map((e) => e.raw)).toEqual(frame(format, [Buffer.from(text, 'utf8').toString('utf8')]));
      }),
      runs(100),
    );
  });
});
