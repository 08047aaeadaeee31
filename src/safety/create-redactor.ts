import type { RewriteRule } from '../types.js';
import { mapStrings, mapStringsAt } from '../util/json-path.js';
import { CREDENTIAL_REPLACEMENT, credentialRegex, mayHoldCredential } from './credential-patterns.js';

/** Applies the built-in credential rules and config `redact` rules to stored and logged values. */
export interface Redactor {
  /**
   * Redacts every string of a JSON value in place (path rules only at their paths); `changed` is
   * called for each string it rewrote.
   */
  json<T>(value: T, changed?: () => void): T;
  /** Redacts a text body or a stream event's raw text. */
  text(value: string): string;
  /** Where `text` would redact: `[start, end)` of each match of a credential shape or `redact` rule. */
  spans(value: string): [start: number, end: number][];
  /**
   * The `redact` rules it was compiled from: another thread builds the same redactor from them
   * (large answers are finished off the event loop). Absent: this redactor cannot be rebuilt there.
   */
  readonly rules?: readonly RewriteRule[];
}

/** Compiles the rules once; both methods are on the request hot path. */
export function createRedactor(rules: readonly RewriteRule[]): Redactor {
  const builtIn = credentialRegex();
  const everywhere = rules.filter((r) => r.path === undefined).map(compile);
  const atPath = rules.filter((r) => r.path !== undefined).map((r) => ({ path: r.path as string, ...compile(r) }));

  const text = (value: string): string => {
    let out = value;
    // test() first: the common case is "nothing to redact", and replace() always allocates.
    // mayHoldCredential() before either: most strings hold no credential literal at all.
    if (mayHoldCredential(out)) {
      builtIn.lastIndex = 0;
      if (builtIn.test(out)) out = out.replace(builtIn, CREDENTIAL_REPLACEMENT);
    }
    for (const r of everywhere) out = out.replace(r.regex, r.replacement);
    return out;
  };

  return {
    rules,
    json<T>(value: T, changed?: () => void): T {
      const noted = (fn: (s: string) => string) =>
        changed === undefined
          ? fn
          : (s: string) => {
              const r = fn(s);
              if (r !== s) changed();
              return r;
            };
      let out = mapStrings(value, noted(text));
      for (const r of atPath)
        out = mapStringsAt(
          out,
          r.path,
          noted((s) => s.replace(r.regex, r.replacement)),
        );
      return out as T;
    },
    text,
    spans(value: string): [number, number][] {
      const out: [number, number][] = [];
      for (const regex of mayHoldCredential(value) ? [builtIn, ...everywhere.map((r) => r.regex)] : everywhere.map((r) => r.regex)) {
        for (const m of value.matchAll(regex)) if (m[0].length > 0) out.push([m.index, m.index + m[0].length]);
      }
      return out;
    },
  };
}

function compile(rule: RewriteRule): { regex: RegExp; replacement: string } {
  return { regex: new RegExp(rule.pattern, `g${rule.flags ?? ''}`), replacement: rule.replacement };
}
