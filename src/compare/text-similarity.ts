/**
 * Text similarity in [0, 1]: the Jaccard index of the two texts' sets of lower-cased words
 * (|A ∩ B| / |A ∪ B|). Word order and repetition do not count; two empty texts are identical.
 * Simple on purpose: it says "about the same answer" vs "a different answer", nothing finer.
 */
export function textSimilarity(a: string, b: string): number {
  const wa = words(a);
  const wb = words(b);
  if (wa.size === 0 && wb.size === 0) return 1;
  let common = 0;
  for (const w of wa) if (wb.has(w)) common++;
  return Math.round((common / (wa.size + wb.size - common)) * 1000) / 1000;
}

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}
