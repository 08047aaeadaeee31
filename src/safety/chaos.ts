import { CassetteError } from '../errors.js';
import { hashHex, rngFromHash } from '../util/seeded-random.js';
import type { RecordedResponse } from '../types.js';
import type { ChaosErrorShape, HttpChaosFault } from './chaos-responses.js';
import { chaosErrorResponse } from './chaos-responses.js';

export type { HttpChaosFault } from './chaos-responses.js';

/** Every fault `--chaos-faults` accepts. */
export const CHAOS_FAULTS = ['429', '500', '503', '529', 'timeout', 'reset', 'truncate', 'slow'] as const;
export type ChaosFault = (typeof CHAOS_FAULTS)[number];

/** What the server does to one request. */
export type ChaosAction =
  | { kind: 'none' }
  /** Answer with this provider-shaped error instead of the real answer. */
  | { kind: 'respond'; fault: HttpChaosFault; response: RecordedResponse }
  /** Destroy the connection without answering. */
  | { kind: 'reset' }
  /** Answer nothing until the client gives up. */
  | { kind: 'timeout' }
  /** Serve the real answer but cut it after this many stream events / body bytes, then close. */
  | { kind: 'truncate'; afterEvents: number; afterBytes: number }
  /** Serve the real answer after this delay. */
  | { kind: 'slow'; delayMs: number };

export interface ChaosOptions {
  /** Probability in [0, 1] that a request gets a fault. */
  rate: number;
  seed: number;
  /** Faults to draw from; empty means all of them. */
  faults: readonly ChaosFault[];
}

export interface Chaos {
  /** The action for the next request: a function of the seed and how many came before. */
  next(shape: ChaosErrorShape): ChaosAction;
  /** Restarts the sequence (a test switched episode). */
  reset(): void;
  /** Requests seen since creation or the last reset. */
  readonly sequence: number;
  readonly options: Readonly<ChaosOptions>;
}

const HTTP_FAULTS: ReadonlySet<string> = new Set<HttpChaosFault>(['429', '500', '503', '529']);

/** Parses `--chaos-faults 429,500,timeout`; throws bad_usage naming an unknown entry. */
export function parseChaosFaults(csv: string): ChaosFault[] {
  const entries = csv
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e.length > 0);
  const valid = CHAOS_FAULTS.join(', ');
  if (entries.length === 0) {
    throw new CassetteError('bad_usage', `--chaos-faults is empty; valid faults: ${valid}`);
  }
  const out: ChaosFault[] = [];
  for (const entry of entries) {
    if (!(CHAOS_FAULTS as readonly string[]).includes(entry)) {
      throw new CassetteError('bad_usage', `unknown chaos fault "${entry}" in --chaos-faults; valid faults: ${valid}`, {
        details: { fault: entry, valid: [...CHAOS_FAULTS] },
      });
    }
    if (!out.includes(entry as ChaosFault)) out.push(entry as ChaosFault);
  }
  return out;
}

/**
 * A deterministic fault injector: request n of a sequence gets a fault drawn from a generator
 * seeded by (seed, n) alone, so the same seed and the same request order give the same faults
 * whatever the timing, and one request's draw never shifts another's.
 */
export function createChaos(options: ChaosOptions): Chaos {
  if (!Number.isFinite(options.rate) || options.rate < 0 || options.rate > 1) {
    throw new CassetteError('bad_usage', `--chaos rate must be a number from 0 to 1, got ${options.rate}`);
  }
  const faults: readonly ChaosFault[] = options.faults.length > 0 ? [...options.faults] : CHAOS_FAULTS;
  const frozen: Readonly<ChaosOptions> = Object.freeze({ rate: options.rate, seed: options.seed, faults });
  let sequence = 0;
  return {
    get sequence() {
      return sequence;
    },
    options: frozen,
    reset() {
      sequence = 0;
    },
    next(shape) {
      sequence += 1;
      const rng = rngFromHash(hashHex('llm-cassette/chaos/v1', String(options.seed), String(sequence)));
      if (!(rng.next() < options.rate)) return { kind: 'none' };
      const fault = rng.pick(faults);
      if (HTTP_FAULTS.has(fault)) {
        const httpFault = fault as HttpChaosFault;
        return { kind: 'respond', fault: httpFault, response: chaosErrorResponse(shape, httpFault, sequence, options.seed) };
      }
      switch (fault) {
        case 'reset':
          return { kind: 'reset' };
        case 'timeout':
          return { kind: 'timeout' };
        case 'truncate':
          // Early enough that most answers are really cut; never zero, so the client sees a start.
          return { kind: 'truncate', afterEvents: rng.int(1, 5), afterBytes: rng.int(16, 512) };
        default:
          return { kind: 'slow', delayMs: rng.int(200, 2000) };
      }
    },
  };
}
