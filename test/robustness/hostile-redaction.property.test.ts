// Hostile input for the credential shapes (issue 13 item 1): every shape, the combined redactor
// and verify's finder are fed adversarial text up to 1 MiB built from the shapes' own prefixes,
// separators and run characters, and must finish within a generous linear bound. A quadratic
// shape takes minutes on 1 MiB, so the bound separates the two by orders of magnitude.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/safety/create-redactor.js';
import { CREDENTIAL_PATTERNS } from '../../src/safety/credential-patterns.js';
import { credentialMatchers, findCredentials } from '../../src/safety/find-credentials.js';

const SOAK = Boolean(process.env.CASSETTE_SOAK);
const MIB = 1024 * 1024;
/** 0.5 s plus 2 µs a character: ~2.6 s for 1 MiB, where a linear scan takes tens of ms. */
const boundMs = (chars: number): number => 500 + chars * 0.002;

/** Pieces that start, extend, separate or almost complete a credential shape. */
const PIECES = [
  '-eyJ',
  'eyJ',
  '.eyJ',
  'eyJaaaaaaaa.',
  '.',
  '-',
  '_',
  'a',
  'Z',
  '9',
  '=',
  '/',
  '+',
  '~',
  ' ',
  '\t',
  '\n',
  '"',
  'sk-',
  'sk-proj-',
  'AIza',
  'gsk_',
  'xai-',
  'hf_',
  'ya29.',
  'Bearer ',
  'bearer\t',
  'Bearer',
  'é',
  '\u2028',
];

/** A unit of 1–8 pieces repeated up to a size of 16 KiB to 1 MiB. */
const hostileText = fc
  .record({
    unit: fc.array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 8 }),
    size: fc.constantFrom(16 * 1024, 256 * 1024, MIB),
  })
  .map(({ unit, size }) => {
    const piece = unit.join('');
    return piece.repeat(Math.ceil(size / piece.length)).slice(0, size);
  });

/** Hand-picked worst cases: each shape's prefix repeated, and almost-complete tokens. */
const WORST = ['-eyJ', 'eyJ', 'eyJaaaaaaaa.eyJ-', 'sk-', 'sk-aaaaaaaaaaaaaa ', 'Bearer ', 'Bearer\t-', 'AIza-', 'ya29.-', 'hf_a', 'x'].map(
  (unit) => unit.repeat(Math.ceil(MIB / unit.length)).slice(0, MIB),
);

function elapsedMs(run: () => unknown): number {
  const t0 = performance.now();
  run();
  return performance.now() - t0;
}

describe('credential shapes run in linear time on adversarial input up to 1 MiB', () => {
  const redactor = createRedactor([]);
  const matchers = credentialMatchers();

  it.each(CREDENTIAL_PATTERNS.map((p) => [p.name, p.source] as const))('%s: hand-picked worst cases', (_name, source) => {
    const regex = new RegExp(source, 'g');
    for (const text of WORST) expect(elapsedMs(() => text.replace(regex, '<X>'))).toBeLessThan(boundMs(text.length));
  });

  it('each shape, the redactor and verify on generated input', () => {
    const shapes = CREDENTIAL_PATTERNS.map((p) => new RegExp(p.source, 'g'));
    fc.assert(
      fc.property(hostileText, (text) => {
        for (const regex of shapes) expect(elapsedMs(() => text.replace(regex, '<X>'))).toBeLessThan(boundMs(text.length));
        expect(elapsedMs(() => redactor.text(text))).toBeLessThan(boundMs(text.length));
        expect(elapsedMs(() => findCredentials(text, matchers))).toBeLessThan(boundMs(text.length));
      }),
      { numRuns: SOAK ? 300 : 30 },
    );
  }, 120_000);
});
