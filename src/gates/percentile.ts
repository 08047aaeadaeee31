/**
 * The nearest-rank percentile: the smallest observed value with at least p % of the sample at or
 * below it (rank ⌈p/100 · n⌉). Always a value that was measured, and the same answer on every
 * machine; with n < 100 the p99 is the maximum, which is why small samples carry a note.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

/** Samples a percentile needs before it is more than the sample's maximum: 100 / (100 - p). */
export function samplesFor(p: number): number {
  return Math.ceil(100 / (100 - p));
}
