import type { MatchedRequest } from '../match/request-matcher.js';
import type { ProxyCall } from '../modes/proxy-call.js';
import type { ProxyRuntime } from '../modes/proxy-runtime.js';
import type { ChaosAction } from '../safety/chaos.js';
import type { CallResult } from './call-result.js';

/** A --chaos draw that cuts the answer short after some bytes or events. */
export type Truncate = Extract<ChaosAction, { kind: 'truncate' }>;

/** One request on its way through its mode's steps: what earlier steps found, for later ones. */
export interface Flow {
  readonly rt: ProxyRuntime;
  readonly call: ProxyCall;
  /** Set by injectChaos: the answer is cut short. */
  truncate?: Truncate | undefined;
  /** Set by matchRequest: the request's key and its stored (redacted) form. */
  matched?: MatchedRequest | undefined;
  /** Set by replayRecorded on a miss under --strict: every recorded occurrence of the key was used. */
  exhausted?: number | undefined;
}

/**
 * One stage of handling a proxied request (`src/pipeline/mode-table.ts` lists each mode's).
 * A step answers (a result, or a promise of one) or passes the request on to the next step
 * (undefined, or a promise of undefined). A step that can decide at once does: a golden hit at
 * instant timing goes through its steps without a promise.
 */
export type Step = (flow: Flow) => CallResult | Promise<CallResult | undefined> | undefined;
