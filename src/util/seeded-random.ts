import { createHash } from 'node:crypto';

/** A seeded pseudo-random source: the only randomness mock mode and chaos may use (one generator, so a seed means the same everywhere). */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** `length` characters drawn from `alphabet`. */
  chars(length: number, alphabet: string): string;
}

export const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const HEX = '0123456789abcdef';

/** sha256 (hex) of the parts; NUL-separated so ['ab','c'] and ['a','bc'] differ. */
export function hashHex(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** sfc32 seeded from the first 128 bits of a hex digest: fast, small, and good enough for fakes. */
export function rngFromHash(hex: string): Rng {
  let a = Number.parseInt(hex.slice(0, 8), 16) >>> 0;
  let b = Number.parseInt(hex.slice(8, 16), 16) >>> 0;
  let c = Number.parseInt(hex.slice(16, 24), 16) >>> 0;
  let d = Number.parseInt(hex.slice(24, 32), 16) >>> 0;
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  // The first outputs of sfc32 still correlate with the seed words.
  for (let i = 0; i < 12; i++) next();
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)] as (typeof items)[number],
    chars: (length, alphabet) => {
      let out = '';
      for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
      return out;
    },
  };
  return rng;
}

/** A generator seeded by the hash of the parts. */
export function createRng(...parts: string[]): Rng {
  return rngFromHash(hashHex(...parts));
}
