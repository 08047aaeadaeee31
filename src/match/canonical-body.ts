import stableStringify from 'fast-json-stable-stringify';
import type { RewriteRule } from '../types.js';
import { mapStrings, mapStringsAt, withoutJsonPath } from '../util/json-path.js';

/** The rules that turn a request body into its matching form. */
export interface CanonicalRules {
  ignore: readonly string[];
  normalize: readonly RewriteRule[];
  /** The provider's own key rewrite (Provider.keyRewrite), applied first. */
  rewrite?: { readonly name: string; apply(json: unknown): unknown } | undefined;
}

/** Compiled form of CanonicalRules: regexes built once per server, not per request. */
export interface CanonicalBodyFn {
  /** Returns the matching form of a (redacted) JSON body: ignored paths gone, strings normalized. */
  (json: unknown): unknown;
  /**
   * The rules applied, as stable JSON: part of the fingerprint stored with every key, so golden
   * can tell whether a stored key is still valid. Absent on hand-made functions (keys recomputed).
   */
  readonly rules?: string;
  /** The matching form of a text (non-JSON) body: the normalize rules without a `path` applied. */
  readonly text?: (text: string) => string;
}

/** Compiles ignore paths and normalize rules into one function. */
export function createCanonicalBody(rules: CanonicalRules): CanonicalBodyFn {
  const everywhere = rules.normalize.filter((r) => r.path === undefined).map(compile);
  const atPath = rules.normalize.filter((r) => r.path !== undefined).map((r) => ({ path: r.path as string, ...compile(r) }));
  const rewrites = everywhere.length > 0 || atPath.length > 0;
  const text = (s: string): string => everywhere.reduce((acc, r) => acc.replace(r.regex, r.replacement), s);
  const fn = (json: unknown): unknown => {
    // Copy-on-write deletes; a whole copy only when normalize rules rewrite strings in place.
    let out = rules.rewrite ? rules.rewrite.apply(json) : json;
    for (const path of rules.ignore) out = withoutJsonPath(out, path);
    if (!rewrites) return out;
    out = structuredClone(out);
    if (everywhere.length > 0) {
      out = mapStrings(out, text);
    }
    for (const r of atPath) out = mapStringsAt(out, r.path, (s) => s.replace(r.regex, r.replacement));
    return out;
  };
  // Keys of text bodies changed when normalize rules reached them: a store keyed before that is
  // re-keyed on load (the fingerprint differs) instead of missing.
  const fingerprint = {
    ignore: rules.ignore,
    normalize: rules.normalize,
    ...(everywhere.length > 0 ? { textBodies: true } : {}),
    ...(rules.rewrite ? { rewrite: rules.rewrite.name } : {}),
  };
  return Object.assign(fn, { rules: stableJson(fingerprint), text });
}

/** Key-sorted JSON text: equal for bodies that differ only in key order or whitespace. */
export function stableJson(value: unknown): string {
  return stableStringify(value) ?? 'null';
}

function compile(rule: RewriteRule): { regex: RegExp; replacement: string } {
  return { regex: new RegExp(rule.pattern, `g${rule.flags ?? ''}`), replacement: rule.replacement };
}
