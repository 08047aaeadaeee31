import { createRng } from './mock-random.js';

/** Words past this many add little to a mock vector and cost dims draws each. */
const MAX_WORDS = 512;

/**
 * A unit-length embedding for `text`: the sum of per-word random directions plus a little
 * per-text noise, so equal texts give equal vectors and texts sharing words are close (a RAG test
 * against mock mode still retrieves the overlapping document). Components are float32 values, so
 * the float and base64 encodings of one vector agree exactly.
 */
export function embeddingVector(seed: number, text: string, dims: number): number[] {
  const sum = new Float64Array(dims);
  const words = [...new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].slice(0, MAX_WORDS);
  for (const word of words) addDirection(sum, createRng('embedding-word', String(seed), word), 1);
  addDirection(sum, createRng('embedding-text', String(seed), text), words.length > 0 ? 0.25 : 1);
  let norm = 0;
  for (const v of sum) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  return Array.from(sum, (v) => shortestFloat32(v / norm));
}

function addDirection(into: Float64Array, rng: ReturnType<typeof createRng>, weight: number): void {
  for (let i = 0; i < into.length; i++) into[i] = (into[i] ?? 0) + weight * (rng.next() * 2 - 1);
}

/** The float32 nearest `x`, as the shortest decimal that reads back to it (what providers print). */
export function shortestFloat32(x: number): number {
  const f = Math.fround(x);
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return candidate;
  }
  return f;
}

/** Little-endian float32 bytes, base64: OpenAI's `encoding_format: "base64"`. */
export function float32Base64(values: readonly number[]): string {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes.toString('base64');
}
