import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCanonicalBody } from '../../src/match/canonical-body.js';
import { canonicalRequest, requestKey } from '../../src/match/request-key.js';
import { RequestMatcher } from '../../src/match/request-matcher.js';
import { createProviderRegistry } from '../../src/providers/registry.js';
import { createRedactor } from '../../src/safety/create-redactor.js';
import { routeRequest } from '../../src/server/route-request.js';
import type { RecordedRequest, StoredBody } from '../../src/types.js';

const canonical = createCanonicalBody({ ignore: ['user'], normalize: [] });
const keyOf = (body: StoredBody, extra: Partial<RecordedRequest> = {}): string =>
  requestKey(
    canonicalRequest('openai', { method: 'POST', path: '/v1/chat/completions', query: [], headers: {}, body, ...extra }, canonical),
  );

describe('request key', () => {
  it('is the same for bodies that differ only in key order, whitespace or ignored fields', () => {
    expect(keyOf({ kind: 'json', json: { model: 'm', messages: [], user: 'a' } })).toBe(
      keyOf({ kind: 'json', json: { messages: [], model: 'm', user: 'b' } }),
    );
  });

  it('keeps the keys stores were written with (pinned: any change to the hashing re-keys every store)', () => {
    expect(keyOf({ kind: 'json', json: { model: 'gpt-4o', messages: [{ role: 'user', content: 'héllo ✓ 𝄞' }] } })).toBe(
      '2d06a4866d8d147338be8add903afb25',
    );
    expect(keyOf({ kind: 'text', text: 'plain' })).toBe('7be1e464e2118d33a46248dadc435983');
    expect(keyOf({ kind: 'empty' }, { method: 'GET', query: [['a', '1']] })).toBe('395057894e3fa498a9d334165ac1867c');
  });

  it('tells a JSON body that looks like a text marker from the text itself', () => {
    expect(keyOf({ kind: 'json', json: { $text: 'abc' } })).not.toBe(keyOf({ kind: 'text', text: 'abc' }));
    expect(keyOf({ kind: 'json', json: { $base64: 'YQ==' } })).not.toBe(keyOf({ kind: 'base64', base64: 'YQ==' }));
  });

  it('sorts the query and includes allow-listed headers', () => {
    const a = keyOf(
      { kind: 'empty' },
      {
        query: [
          ['b', '2'],
          ['a', '1'],
        ],
      },
    );
    expect(a).toBe(
      keyOf(
        { kind: 'empty' },
        {
          query: [
            ['a', '1'],
            ['b', '2'],
          ],
        },
      ),
    );
    expect(keyOf({ kind: 'empty' }, { headers: { 'anthropic-version': '2023-06-01' } })).not.toBe(keyOf({ kind: 'empty' }));
  });
});

describe('routing', () => {
  const providers = createProviderRegistry([], {});

  it('refuses dot segments that could climb out of an upstream path prefix', () => {
    for (const url of ['/openrouter/../x', '/openrouter/v1/%2e%2e/admin', '/openai/./v1']) {
      expect(() => routeRequest(url, providers), url).toThrow(/dot|"\."|\.\./);
    }
  });

  it('reads any URL as its path segments say: provider, episode prefix, rest, query', () => {
    // The reference reading, the obvious way: split on '/' and look at whole segments.
    const expected = (url: string): string => {
      const [path = '', ...q] = url.split('?');
      const segs = path.split('/');
      const at = segs[1] === 'episodes' ? 3 : 1;
      if (at === 3 && !/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(decodeURIComponent(segs[2] ?? ''))) return 'bad_episode_id';
      if (!providers.has(segs[at] ?? '')) return 'unknown_provider';
      const rest = segs.slice(at + 1);
      if (rest.some((s) => /^(\.|%2e){1,2}$/i.test(s))) return 'bad_usage';
      return JSON.stringify([segs[at], at === 3 ? decodeURIComponent(segs[2] ?? '') : null, `/${rest.join('/')}`, q.join('?')]);
    };
    const actual = (url: string): string => {
      try {
        const r = routeRequest(url, providers);
        return JSON.stringify([r.provider.name, r.pathEpisode ?? null, r.path, r.query]);
      } catch (err) {
        return (err as { code: string }).code;
      }
    };
    const segment = fc.constantFrom('', '.', '..', '%2E', '%2e%2e', 'episodes', 'openai', 'gemini', 'ep-1', 'v1', 'a?b', '-x');
    const url = fc.array(segment, { maxLength: 6 }).map((segs) => `/${segs.join('/')}`);
    fc.assert(
      fc.property(url, (u) => {
        expect(actual(u)).toBe(expected(u));
      }),
      { numRuns: 3000 },
    );
  });

  it('routes the episode path prefix and keeps the query', () => {
    const r = routeRequest('/episodes/ep-1/gemini/v1beta/models/g:streamGenerateContent?alt=sse', providers);
    expect([r.provider.name, r.pathEpisode, r.path, r.query]).toEqual([
      'gemini',
      'ep-1',
      '/v1beta/models/g:streamGenerateContent',
      'alt=sse',
    ]);
  });
});

describe('key rules fingerprint', () => {
  const fingerprint = (ignore: string[], normalize: { pattern: string; replacement: string }[] = []): string | undefined =>
    new RequestMatcher([], createRedactor([]), () => createCanonicalBody({ ignore, normalize })).rulesFingerprint('openai');

  it('is the same for the same rules and changes with any ignore or normalize rule', () => {
    expect(fingerprint(['user'])).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprint(['user'])).toBe(fingerprint(['user']));
    expect(fingerprint(['user'])).not.toBe(fingerprint([]));
    expect(fingerprint([], [{ pattern: '\\d+', replacement: 'N' }])).not.toBe(fingerprint([]));
    expect(fingerprint([], [{ pattern: '\\d+', replacement: 'N' }])).not.toBe(fingerprint([], [{ pattern: '\\d+', replacement: '#' }]));
  });

  it('is unknown for a canonical body function that does not name its rules (no stored key is trusted)', () => {
    expect(new RequestMatcher([], createRedactor([]), () => (json) => json).rulesFingerprint('openai')).toBeUndefined();
  });
});
