import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/safety/create-redactor.js';
import { CREDENTIAL_PATTERNS, mayHoldCredential } from '../../src/safety/credential-patterns.js';
import { credentialMatchers, findCredentials } from '../../src/safety/find-credentials.js';

const JWT = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'].join('.');

function elapsedMs(run: () => void): number {
  const t0 = performance.now();
  run();
  return performance.now() - t0;
}

describe('credential shapes on hostile input (issue 13 item 1)', () => {
  // 160 KiB of `-eyJ` blocked the proxy for 8.5 s: the JWT shape restarted at every `-eyJ` and
  // scanned to the end of the run each time.
  it('redacts 160 KiB of repeated -eyJ in linear time', () => {
    const hostile = '-eyJ'.repeat(40 * 1024);
    const redactor = createRedactor([]);
    expect(elapsedMs(() => redactor.text(hostile))).toBeLessThan(1_000);
    const matchers = credentialMatchers();
    expect(elapsedMs(() => findCredentials(hostile, matchers))).toBeLessThan(1_000);
  });

  it('still finds a JWT after a space, a quote, a dot or at the start, and not inside a longer run', () => {
    const redactor = createRedactor([]);
    for (const before of ['', ' ', '"', 'Authorization: ', 'x.']) {
      expect(redactor.text(`${before}${JWT} tail`)).toBe(`${before}<REDACTED> tail`);
    }
    expect(findCredentials(`token=${JWT}`, credentialMatchers()).map((m) => m.pattern)).toEqual(['JSON web token']);
  });

  it('verify and the redactor read the same list of shapes', () => {
    expect(credentialMatchers().map((m) => m.regex.source)).toEqual(CREDENTIAL_PATTERNS.map((p) => new RegExp(p.source).source));
  });

  it('every shape names a literal its matches contain, and a text without the literals is left alone', () => {
    const samples: Record<string, string> = {
      'secret key (sk-...)': 'sk-proj-abcdefghijklmnopqrstuvwx',
      'Google API key (AIza...)': 'AIzaSyA1234567890abcdefghijklmnopqrstu',
      'Groq key (gsk_...)': 'gsk_abcdefghijklmnopqrstuvwxyz',
      'xAI key (xai-...)': 'xai-abcdefghijklmnopqrstuvwxyz',
      'Hugging Face token (hf_...)': 'hf_abcdefghijklmnopqrstuvwxyz',
      'Google OAuth token (ya29....)': 'ya29.abcdefghijklmnopqrstuvwxyz',
      'bearer token': 'Bearer abcdefghijklmnopqrstuvwxyz',
      'JSON web token': JWT,
    };
    const redactor = createRedactor([]);
    for (const p of CREDENTIAL_PATTERNS) {
      const sample = samples[p.name] as string;
      expect(sample, p.name).toBeDefined();
      expect(new RegExp(p.source).test(sample), p.name).toBe(true);
      expect(sample.includes(p.literal), p.name).toBe(true);
      expect(redactor.text(`x ${sample} y`), p.name).toBe('x <REDACTED> y');
    }
    expect(redactor.text('data: {"content":"no secret here, sk- too short"}')).toBe('data: {"content":"no secret here, sk- too short"}');
  });
});

describe('mayHoldCredential, the pre-check that lets the redactor skip its regex', () => {
  it('is true wherever a literal occurs, at the start, the end or inside, and only then', () => {
    for (const { literal } of CREDENTIAL_PATTERNS) {
      for (const text of [literal, `x${literal}`, `${literal}x`, `data: {"a":"${literal}"}\n\n`])
        expect(mayHoldCredential(text), text).toBe(true);
      // Each literal's characters taken as text, not as a pattern: `ya29.` is not `ya29` plus any character.
      expect(mayHoldCredential(`${literal.slice(0, -1)}\u0000`), literal).toBe(false);
      expect(mayHoldCredential(literal.slice(1)), literal).toBe(false);
    }
    expect(mayHoldCredential('ya29x')).toBe(false);
    expect(mayHoldCredential('')).toBe(false);
    expect(mayHoldCredential('data: {"choices":[{"delta":{"content":" the sum"}}]}\n\n')).toBe(false);
  });

  it('is true for every text any built-in shape matches', () => {
    const samples = [
      'sk-proj-Q7pX2mZ9vB4nK8cL1dF6gH3jR5tY0wEa',
      'AIzaSyA1234567890abcdefghijklmnopqrstu',
      'gsk_abcdefghijklmnopqrstuvwx',
      'xai-abcdefghijklmnopqrstuvwx',
      'hf_abcdefghijklmnopqrstuvwx',
      'ya29.abcdefghijklmnopqrstuvwx',
      'Bearer abcdefghijklmnopqrstuvwx',
      JWT,
    ];
    for (const { name, source } of CREDENTIAL_PATTERNS) {
      const found = samples.filter((t) => new RegExp(source).test(t));
      expect(found.length, name).toBeGreaterThan(0);
      for (const t of found) expect(mayHoldCredential(t), name).toBe(true);
    }
  });
});
