import type { Usage } from '../../types.js';

/** Token counts as one family reports them, already mapped to the product's meaning. */
export interface UsageCounts {
  input?: number | undefined;
  output?: number | undefined;
  cacheRead?: number | undefined;
  cacheWrite?: number | undefined;
  reasoning?: number | undefined;
  costUsd?: number | undefined;
}

/**
 * Builds a Usage from the counts a provider reported; undefined when it reported neither input
 * nor output. Optional counts appear only when reported, so a reported 0 stays visible.
 */
export function buildUsage(counts: UsageCounts): Usage | undefined {
  if (counts.input === undefined && counts.output === undefined) return undefined;
  const usage: Usage = { inputTokens: counts.input ?? 0, outputTokens: counts.output ?? 0 };
  if (counts.cacheRead !== undefined) usage.cacheReadTokens = counts.cacheRead;
  if (counts.cacheWrite !== undefined) usage.cacheWriteTokens = counts.cacheWrite;
  if (counts.reasoning !== undefined) usage.reasoningTokens = counts.reasoning;
  if (counts.costUsd !== undefined) usage.reportedCostUsd = counts.costUsd;
  return usage;
}
