/**
 * Shapes of provider credentials. They are redacted wherever they appear in what is stored or
 * logged, and `cassette verify` fails a store that still holds one (both use these sources).
 *
 * Every shape must run in linear time on hostile input (issue 13 item 1; a property test feeds
 * each one adversarial text up to 1 MiB). The rule that keeps them linear: a shape whose run can
 * fail after a long scan (a run followed by more pattern) may only start where a run cannot
 * already be under way, so no character is scanned from more than a few starting points. A shape
 * that ends with its open-ended run succeeds as soon as the run is long enough, so it is linear.
 *
 * `literal` is text every match of the shape contains (case as in the source): a text holding none
 * of them holds no credential, and the redactor skips the regex for it (most strings hold none).
 */
export const CREDENTIAL_PATTERNS: readonly { name: string; source: string; literal: string }[] = [
  // sk-, sk-proj-, sk-ant-api03-, sk-or-v1-: OpenAI, Anthropic, OpenRouter, DeepSeek keys.
  { name: 'secret key (sk-...)', source: String.raw`\bsk-[A-Za-z0-9_-]{16,}`, literal: 'sk-' },
  { name: 'Google API key (AIza...)', source: String.raw`\bAIza[0-9A-Za-z_-]{30,}`, literal: 'AIza' },
  { name: 'Groq key (gsk_...)', source: String.raw`\bgsk_[A-Za-z0-9]{20,}`, literal: 'gsk_' },
  { name: 'xAI key (xai-...)', source: String.raw`\bxai-[A-Za-z0-9]{20,}`, literal: 'xai-' },
  { name: 'Hugging Face token (hf_...)', source: String.raw`\bhf_[A-Za-z0-9]{20,}`, literal: 'hf_' },
  { name: 'Google OAuth token (ya29....)', source: String.raw`\bya29\.[A-Za-z0-9_-]{20,}`, literal: 'ya29.' },
  { name: 'bearer token', source: String.raw`\b[Bb]earer\s+[A-Za-z0-9._~+/=-]{16,}`, literal: 'earer' },
  // Starts only where a base64url run starts (not `\b`): with `\b`, `-eyJ` repeated gave one
  // start per repetition, each scanning to the end of the run, which is quadratic.
  {
    name: 'JSON web token',
    source: String.raw`(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`,
    literal: 'eyJ',
  },
];

export const CREDENTIAL_REPLACEMENT = '<REDACTED>';

/**
 * The shapes' literals as one alternation of plain strings (not global: `test` keeps no state).
 * One scan of the text: about a third cheaper than an `includes` per literal (issue 20, measured
 * on a recorded stream's events), and far cheaper than the shapes' combined regex.
 */
const LITERALS = new RegExp(CREDENTIAL_PATTERNS.map((p) => p.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));

/** False when `text` cannot hold a built-in credential shape: none of their literals occurs. */
export function mayHoldCredential(text: string): boolean {
  return LITERALS.test(text);
}

/** One regex matching any credential shape (global, for replace). */
export function credentialRegex(extra: readonly string[] = []): RegExp {
  return new RegExp([...CREDENTIAL_PATTERNS.map((p) => p.source), ...extra].map((s) => `(?:${s})`).join('|'), 'g');
}

/** Masks a found secret for messages: keeps a recognisable prefix, never the secret. */
export function maskSecret(value: string): string {
  return value.length <= 8 ? '****' : `${value.slice(0, 4)}…(${value.length} chars)`;
}
