/** Template placeholders a prompt file fills in before sending: `{{x}}`, `{x}`, `${x}`, `%(x)s`, `%s`, `<<x>>`. */
const PLACEHOLDER = /\{\{[^}]*\}\}|\$\{[^}]*\}|\{[A-Za-z0-9_.\-\s]*\}|%\([^)]*\)[sdr]|%[sdifr]|<<[^>]*>>/g;

/** Collapses runs of whitespace, so a re-indented or re-wrapped line still matches. */
export function normalizeText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The pieces of a prompt, schema or template file that would appear verbatim in a request built
 * from it: for JSON, every string value; for other text, every line. Each is cut at template
 * placeholders, whitespace-normalized, and kept when at least `minLength` characters long, so
 * that short, common words (`user`, `string`, `}`) never tie a file to every episode.
 */
export function textFragments(text: string, minLength: number): string[] {
  const pieces: string[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (parsed !== undefined && typeof parsed === 'object' && parsed !== null) collectStrings(parsed, pieces);
  else pieces.push(...text.split(/\r?\n/));
  const out = new Set<string>();
  for (const piece of pieces) {
    for (const part of piece.split(PLACEHOLDER)) {
      const n = normalizeText(part);
      if (n.length >= minLength) out.add(n);
    }
  }
  return [...out];
}

/** Every string value inside a JSON value, depth first. */
export function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, into);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) collectStrings(v, into);
}
