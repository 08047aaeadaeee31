import type { MatchedRequest } from '../match/request-matcher.js';
import { prepareResponse, sendPrepared } from '../modes/send-recorded.js';
import type { Interaction } from '../types.js';
import type { CallResult } from './call-result.js';
import { forwardUpstream } from './forward-upstream.js';
import { matchedOf } from './match-request.js';
import { sendOptions } from './send-options.js';
import type { Flow } from './step.js';

/**
 * A miss that is forwarded once across the fleet: of all the calls missing on the same key at
 * the same moment (in this process and every other one sharing the store), one forwards and
 * records, the others serve what it recorded. An occurrence past the last one (--strict) is a new
 * recording of its own: it passes on to forwardUpstream.
 */
export function recordOnce(flow: Flow): Promise<CallResult> | undefined {
  const { rt, call } = flow;
  if (!rt.flights || flow.exhausted !== undefined) return undefined;
  const matched = matchedOf(flow);
  return rt.flights.record(
    call.episode,
    matched.key,
    () => forwardUpstream(flow).then((result) => ({ result, recorded: result.recorded })),
    (i) => serveRecordedElsewhere(flow, matched, i),
  );
}

/** Serves what another call (of this proxy or another one of the fleet) just recorded for the key. */
async function serveRecordedElsewhere(flow: Flow, matched: MatchedRequest, i: Interaction): Promise<CallResult> {
  const { rt, call, truncate } = flow;
  rt.stats.addUsage(i.usage, i.costUsd, true);
  const prepared = prepareResponse(i.response, { 'x-cassette-outcome': 'hit', 'x-cassette-take': String(i.take) });
  await sendPrepared(call.res, prepared, sendOptions(rt, truncate));
  return { outcome: truncate ? 'fault' : 'hit', status: prepared.status, key: matched.key };
}
