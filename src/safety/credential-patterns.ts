/**
 * Shapes of provider credentials. They are redacted wherever they appear in what is stored or
 * logged, and `cassette verify` fails a store that still holds one (both use these sources).
 *
 * Every shape must run in linear time on hostile input (issue 13 item 1; a property test feeds
 * each one adversarial text up to 1 MiB). The rule that keeps them linear: a shape whose run can
 * fail after a long scan (a run followed by more pattern) may only start where a run cannot
 * already be under way, so no character is scanned from more than a few starting points. A shape
 * that ends with its open-ended run succeeds as soon as the run is long enough, so it is linear.
 */
export const CREDENTIAL_PATTERNS: readonly { name: string; source: string }[] = [
  // sk-, sk-proj-, sk-ant-api03-, sk-or-v1-: OpenAI, Anthropic, OpenRouter, DeepSeek keys.
  { name: 'secret key (sk-...)', source: String.raw`\bsk-[A-Za-z0-9_-]{16,}` },
  { name: 'Google API key (AIza...)', source: String.raw`\bAIza[0-9A-Za-z_-]{30,}` },
  { name: 'Groq key (gsk_...)', source: String.raw`\bgsk_[A-Za-z0-9]{20,}` },
  { name: 'xAI key (xai-...)', source: String.raw`\bxai-[A-Za-z0-9]{20,}` },
  { name: 'Hugging Face token (hf_...)', source: String.raw`\bhf_[A-Za-z0-9]{20,}` },
  { name: 'Google OAuth token (ya29....)', source: String.raw`\bya29\.[A-Za-z0-9_-]{20,}` },
  { name: 'bearer token', source: String.raw`\b[Bb]earer\s+[A-Za-z0-9._~+/=-]{16,}` },
  // Starts only where a base64url run starts (not `\b`): with `\b`, `-eyJ` repeated gave one
  // start per repetition, each scanning to the end of the run, which is quadratic.
  {
    name: 'JSON web token',
    source: String.raw`(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`,
  },
];

export const CREDENTIAL_REPLACEMENT = '<REDACTED>';

/** One regex matching any credential shape (global, for replace). */
export function credentialRegex(extra: readonly string[] = []): RegExp {
  return new RegExp([...CREDENTIAL_PATTERNS.map((p) => p.source), ...extra].map((s) => `(?:${s})`).join('|'), 'g');
}

/** Masks a found secret for messages: keeps a recognisable prefix, never the secret. */
export function maskSecret(value: string): string {
  return value.length <= 8 ? '****' : `${value.slice(0, 4)}…(${value.length} chars)`;
}
