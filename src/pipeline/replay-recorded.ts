import type { MatchedRequest } from '../match/request-matcher.js';
import type { FindResult } from '../modes/replayer.js';
import { rewritePrepared, sendPrepared } from '../modes/send-recorded.js';
import type { CallResult } from './call-result.js';
import { matchedOf } from './match-request.js';
import { sendOptions } from './send-options.js';
import type { Flow } from './step.js';

/**
 * Serves the next recorded occurrence of the key from the episode's served take; on a miss,
 * passes on (the next step answers it or forwards it).
 *
 * The hot path of golden: a store that answers at once (SQLite, directory; any store once the
 * answer is in the replayer's answer cache) keeps the hit free of promises, and an answer cached
 * whole is written in one call; only a network store's first read of an answer is awaited.
 */
export function replayRecorded(flow: Flow): CallResult | Promise<CallResult | undefined> | undefined {
  const { rt, call } = flow;
  if (!rt.replayer) return undefined;
  const matched = matchedOf(flow);
  const found = rt.replayer.find(call.episode, matched.key);
  return found instanceof Promise ? found.then((f) => replayed(flow, matched, f)) : replayed(flow, matched, found);
}

function replayed(flow: Flow, matched: MatchedRequest, found: FindResult): CallResult | Promise<CallResult> | undefined {
  if (found.kind !== 'hit') {
    flow.exhausted = found.exhausted;
    return undefined;
  }
  const { rt, call, truncate } = flow;
  rt.stats.addUsage(found.usage, found.costUsd, true);
  const result: CallResult = { outcome: truncate ? 'fault' : 'hit', status: found.prepared.status, key: matched.key };
  const { provider } = call.route;
  const method = call.req.method ?? 'GET';
  const rewrite = provider.replayRewrite?.(method, call.body);
  const prepared = rewrite ? rewritePrepared(found.prepared, rewrite) : found.prepared;
  const holdOpen = prepared.events !== undefined && provider.clientEndsStream?.(method, call.path) === true;
  const sending = sendPrepared(call.res, prepared, { ...sendOptions(rt, truncate), ...(holdOpen ? { holdOpen } : {}) });
  return sending ? sending.then(() => result) : result;
}
