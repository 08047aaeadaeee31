import { CREDENTIAL_PATTERNS, maskSecret } from './credential-patterns.js';

/** A named credential shape, compiled once. */
export interface CredentialMatcher {
  name: string;
  regex: RegExp;
}

/** A credential-shaped value found in a text. */
export interface CredentialMatch {
  pattern: string;
  value: string;
  index: number;
}

/** The built-in shapes plus config `verify.patterns` (named `verify.patterns[i]`). */
export function credentialMatchers(extra: readonly string[] = []): CredentialMatcher[] {
  return [
    ...CREDENTIAL_PATTERNS.map((p) => ({ name: p.name, regex: new RegExp(p.source, 'g') })),
    ...extra.map((source, i) => ({ name: `verify.patterns[${i}]`, regex: new RegExp(source, 'g') })),
  ];
}

/**
 * Every credential-shaped value in `text`, left to right. Where shapes overlap (`Bearer sk-...`
 * is both a bearer token and an sk- key) only the longest match is kept: one secret, one finding.
 */
export function findCredentials(text: string, matchers: readonly CredentialMatcher[]): CredentialMatch[] {
  const all: CredentialMatch[] = [];
  for (const { name, regex } of matchers) {
    regex.lastIndex = 0;
    for (const m of text.matchAll(regex)) {
      // An empty match (a careless config pattern) would otherwise be reported everywhere.
      if (m[0].length > 0) all.push({ pattern: name, value: m[0], index: m.index });
    }
  }
  all.sort((a, b) => a.index - b.index || b.value.length - a.value.length);
  const kept: CredentialMatch[] = [];
  let end = -1;
  for (const m of all) {
    if (m.index < end) continue;
    kept.push(m);
    end = m.index + m.value.length;
  }
  return kept;
}

/** `text` with every credential-shaped value masked (maskSecret): for messages that quote input. */
export function maskCredentials(text: string, matchers: readonly CredentialMatcher[]): string {
  let out = '';
  let from = 0;
  for (const m of findCredentials(text, matchers)) {
    out += text.slice(from, m.index) + maskSecret(m.value);
    from = m.index + m.value.length;
  }
  return out + text.slice(from);
}
