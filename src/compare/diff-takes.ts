import { labelChanges } from '../match/explain-miss.js';
import { diffJson } from '../match/json-diff.js';
import type { Interaction } from '../types.js';
import { compareSteps } from './compare-steps.js';
import { modelOf } from './model-of.js';

/** How step n of take A and step n of take B differ, in labelled words and request body paths. */
export interface TakeStepDiff {
  step: number;
  kind: 'same' | 'changed' | 'added' | 'removed';
  a?: StepRef;
  b?: StepRef;
  /** Request differences, labelled like a miss explanation ("model changed: a → b"). */
  request: string[];
  /** Answer differences, labelled like `replay --live` (status, finish reason, tool calls, text). */
  answer: string[];
  /** Request body paths that differ. */
  paths: string[];
}

export interface StepRef {
  take: number;
  position: number;
  provider: string;
  method: string;
  path: string;
  model?: string;
  status: number;
}

/**
 * Compares two takes (of one episode or of two) step by step, in call order: the n-th call of A
 * with the n-th call of B. Meant to be shared by `cassette diff` and the UI's take diff.
 */
export function diffTakes(a: readonly Interaction[], b: readonly Interaction[], minSimilarity = 0.5): TakeStepDiff[] {
  const out: TakeStepDiff[] = [];
  const n = Math.max(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const x = a[k];
    const y = b[k];
    if (!x || !y) {
      const only = (x ?? y) as Interaction;
      out.push({
        step: k + 1,
        kind: x ? 'removed' : 'added',
        ...(x ? { a: ref(x) } : { b: ref(only) }),
        request: [x ? 'only in A' : 'only in B'],
        answer: [],
        paths: [],
      });
      continue;
    }
    const request: string[] = [];
    if (x.provider !== y.provider) request.push(`provider ${x.provider} → ${y.provider}`);
    if (x.request.method !== y.request.method) request.push(`method ${x.request.method} → ${y.request.method}`);
    if (x.request.path !== y.request.path) request.push(`path ${x.request.path} → ${y.request.path}`);
    const before = bodyOf(x);
    const after = bodyOf(y);
    const changes = diffJson(before, after, 200);
    request.push(...labelChanges(changes, before, after));
    const answer = compareSteps(k + 1, x, y, minSimilarity).reasons;
    out.push({
      step: k + 1,
      kind: request.length + answer.length === 0 ? 'same' : 'changed',
      a: ref(x),
      b: ref(y),
      request,
      answer,
      paths: changes.map((c) => c.path),
    });
  }
  return out;
}

function bodyOf(i: Interaction): unknown {
  const b = i.request.body;
  return b.kind === 'json' ? b.json : b.kind === 'text' ? b.text : b.kind === 'base64' ? b.base64 : undefined;
}

function ref(i: Interaction): StepRef {
  const model = modelOf(i);
  return {
    take: i.take,
    position: i.position,
    provider: i.provider,
    method: i.request.method,
    path: i.request.path,
    ...(model ? { model } : {}),
    status: i.response.status,
  };
}
