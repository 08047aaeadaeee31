import { stableJson } from '../match/canonical-body.js';
import type { Interaction } from '../types.js';
import { textSimilarity } from './text-similarity.js';

/** How one re-run step's answer differs from the recorded one. */
export interface StepComparison {
  step: number;
  provider: string;
  method: string;
  path: string;
  changed: boolean;
  /** Why `changed` is true, in words. */
  reasons: string[];
  status: { recorded: number; live: number };
  finishReason: { recorded?: string; live?: string };
  toolCalls: { recorded: string[]; live: string[]; sameNames: boolean; sameArguments: boolean };
  similarity: number;
  tokens: { recorded: number; live: number; delta: number };
  costUsd: { recorded?: number; live?: number; delta?: number };
  latencyMs: { recorded: number; live: number; delta: number };
}

/** Compares a recorded answer with a fresh one; `minSimilarity` is the text threshold for "changed". */
export function compareSteps(step: number, recorded: Interaction, live: Interaction | undefined, minSimilarity: number): StepComparison {
  const ra = recorded.assembled;
  const la = live?.assembled;
  const rNames = (ra?.toolCalls ?? []).map((t) => t.name);
  const lNames = (la?.toolCalls ?? []).map((t) => t.name);
  const sameNames = stableJson(rNames) === stableJson(lNames);
  const sameArguments =
    sameNames && stableJson((ra?.toolCalls ?? []).map((t) => t.arguments)) === stableJson((la?.toolCalls ?? []).map((t) => t.arguments));
  const similarity = textSimilarity(ra?.text ?? '', la?.text ?? '');
  const liveStatus = live?.response.status ?? 0;
  const reasons: string[] = [];
  if (!live) reasons.push('no answer was recorded for this step');
  if (recorded.response.status !== liveStatus) reasons.push(`status ${recorded.response.status} → ${liveStatus}`);
  if (ra?.finishReason !== la?.finishReason) reasons.push(`finish reason ${ra?.finishReason ?? 'none'} → ${la?.finishReason ?? 'none'}`);
  if (!sameNames) reasons.push(`tool calls [${rNames.join(', ')}] → [${lNames.join(', ')}]`);
  if (similarity < minSimilarity) reasons.push(`text similarity ${similarity} < ${minSimilarity}`);
  const rt = tokens(recorded);
  const lt = live ? tokens(live) : 0;
  return {
    step,
    provider: recorded.provider,
    method: recorded.request.method,
    path: recorded.request.path,
    changed: reasons.length > 0,
    reasons,
    status: { recorded: recorded.response.status, live: liveStatus },
    finishReason: { ...(ra?.finishReason ? { recorded: ra.finishReason } : {}), ...(la?.finishReason ? { live: la.finishReason } : {}) },
    toolCalls: { recorded: rNames, live: lNames, sameNames, sameArguments },
    similarity,
    tokens: { recorded: rt, live: lt, delta: lt - rt },
    costUsd: {
      ...(recorded.costUsd !== undefined ? { recorded: recorded.costUsd } : {}),
      ...(live?.costUsd !== undefined ? { live: live.costUsd } : {}),
      ...(recorded.costUsd !== undefined && live?.costUsd !== undefined ? { delta: round(live.costUsd - recorded.costUsd) } : {}),
    },
    latencyMs: {
      recorded: recorded.timings.totalMs,
      live: live?.timings.totalMs ?? 0,
      delta: round((live?.timings.totalMs ?? 0) - recorded.timings.totalMs),
    },
  };
}

function tokens(i: Interaction): number {
  return (i.usage?.inputTokens ?? 0) + (i.usage?.outputTokens ?? 0);
}

function round(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}
