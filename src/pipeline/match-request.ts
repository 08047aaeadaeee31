import { CassetteError } from '../errors.js';
import type { MatchedRequest } from '../match/request-matcher.js';
import type { ProxyCall } from '../modes/proxy-call.js';
import type { ProxyRuntime } from '../modes/proxy-runtime.js';
import type { Flow } from './step.js';

/** Computes the request's key and stored (redacted) form, for the steps that look it up. */
export function matchRequest(flow: Flow): undefined {
  flow.matched = matchCall(flow.rt, flow.call);
  return undefined;
}

/** The key of one call: redacted, canonicalised with its provider's rules, hashed. */
export function matchCall(rt: ProxyRuntime, call: ProxyCall): MatchedRequest {
  return rt.matcher.match({
    method: call.req.method ?? 'GET',
    provider: call.route.name,
    path: call.path,
    query: call.query,
    headers: call.req.headers,
    body: call.body,
  });
}

/** What matchRequest found; a step that needs it runs after it (the mode table's order). */
export function matchedOf(flow: Flow): MatchedRequest {
  if (flow.matched === undefined)
    throw new CassetteError('internal_error', `mode ${flow.rt.options.mode}: a step needs the key before matchRequest ran`);
  return flow.matched;
}
