import { CassetteError } from '../errors.js';
import type { ProxyCall } from '../modes/proxy-call.js';
import type { ProxyRuntime } from '../modes/proxy-runtime.js';
import type { CallResult } from './call-result.js';
import { MODE_TABLE } from './mode-table.js';
import type { Flow, Step } from './step.js';

/**
 * Serves one proxied request: runs its mode's steps (src/pipeline/mode-table.ts) until one
 * answers. Steps that decide at once are run without a promise, so a golden hit answered at
 * instant timing returns its result directly: the hot path of replay waits for no tick.
 */
export function handleProxyCall(rt: ProxyRuntime, call: ProxyCall): CallResult | Promise<CallResult> {
  return runSteps({ rt, call }, MODE_TABLE[rt.options.mode].steps, 0);
}

function runSteps(flow: Flow, steps: readonly Step[], from: number): CallResult | Promise<CallResult> {
  for (let i = from; i < steps.length; i++) {
    const answer = (steps[i] as Step)(flow);
    if (answer === undefined) continue;
    if (answer instanceof Promise) return answer.then((a) => a ?? runSteps(flow, steps, i + 1));
    return answer;
  }
  throw new CassetteError('internal_error', `mode ${flow.rt.options.mode}: no step answered the request`);
}
