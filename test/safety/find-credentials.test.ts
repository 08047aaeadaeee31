import { describe, expect, it } from 'vitest';
import { credentialMatchers, findCredentials } from '../../src/safety/find-credentials.js';

const KEY = ['sk', 'ant', 'api03', 'AbCdEfGhIjKlMnOpQrStUv'].join('-');

describe('findCredentials', () => {
  const matchers = credentialMatchers(['ACME-[0-9]{4}', 'x*']);

  it('finds each secret once, preferring the longest overlapping shape', () => {
    const found = findCredentials(`auth: Bearer ${KEY}\nalso ${KEY} and ACME-1234`, matchers);
    expect(found.map((f) => [f.pattern, f.index])).toEqual([
      ['bearer token', 6],
      ['secret key (sk-...)', 6 + 7 + KEY.length + 6],
      ['verify.patterns[0]', 6 + 7 + KEY.length + 6 + KEY.length + 5],
    ]);
  });

  it('ignores empty matches of a careless config pattern', () => {
    expect(findCredentials('nothing secret here', matchers)).toEqual([]);
  });
});
