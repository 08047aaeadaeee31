import { CassetteError } from '../errors.js';
import type { MatchedRequest } from '../match/request-matcher.js';
import type { Outcome } from '../modes/proxy-stats.js';
import type { Recorder } from '../modes/recorder.js';
import { largeAnswerFinisher } from '../modes/large-answer.js';
import { buildUpstreamRequest } from '../modes/upstream-request.js';
import type { CallResult } from './call-result.js';
import { keepForwarded } from './keep-forwarded.js';
import { matchCall } from './match-request.js';
import type { Flow } from './step.js';

type Slot = Awaited<ReturnType<Recorder['reserve']>>;

/**
 * Forwards the request upstream and streams the answer to the client, capturing it when the mode
 * keeps it (records it, or checks it against the contract); then hands it to keepForwarded.
 *
 * A mode that keeps nothing (passthrough) computes no key. One that does and has not matched yet
 * (live, smoke) computes the key while the upstream is already working on the request, so
 * matching adds nothing to time to first byte.
 */
export async function forwardUpstream(flow: Flow): Promise<CallResult> {
  const { rt, call, truncate } = flow;
  const { options, traits } = rt;
  if (!rt.upstream) throw new CassetteError('internal_error', `mode ${options.mode} must not forward`);
  const upstream = buildUpstreamRequest(call, options.allowUpstream, options.apiKeys);
  const { prepareUpstream } = call.route.provider;
  if (prepareUpstream) {
    const method = call.req.method ?? 'GET';
    upstream.headers = await prepareUpstream({
      method,
      url: new URL(upstream.path, upstream.origin),
      headers: upstream.headers,
      body: call.body,
    });
  }
  rt.budget.take();
  const record = traits.records && rt.recorder !== undefined;
  const keeps = record || traits.checksContract;
  const outcome: Outcome = truncate ? 'fault' : record ? 'recorded' : 'forwarded';
  const pending = rt.upstream.forward({
    method: call.req.method ?? 'GET',
    origin: upstream.origin,
    path: upstream.path,
    headers: upstream.headers,
    body: call.body,
    res: call.res,
    extraHeaders: { 'x-cassette-outcome': outcome },
    startedAt: call.startedAt,
    capture: keeps,
    redactor: rt.redactor,
    captureLimits: options.file.limits,
    streamPath: call.path,
    query: call.query,
    assemblerKind: () => call.route.provider.assemblerKind(call.path),
    offThread: largeAnswerFinisher,
    truncateAfterBytes: truncate?.afterBytes,
    // The held end of a recorded answer: the client gets the answer's last bytes only once the
    // store has it, so a crash can never lose an answer the client holds, and --on-store-error
    // fail can still cut it.
    holdEnd: record,
    clientEnds: call.route.provider.clientEndsStream?.(call.req.method ?? 'GET', call.path) === true,
  });
  let matched: MatchedRequest | undefined;
  let slot: Slot | undefined;
  try {
    matched = flow.matched ?? (keeps ? matchCall(rt, call) : undefined);
    slot = record && matched ? await rt.recorder?.reserve(call.episode, matched.key) : undefined;
  } catch (err) {
    void pending.then(
      (r) => r.release(false),
      () => undefined,
    );
    throw err;
  }
  const result = await pending;
  let recorded: Awaited<ReturnType<typeof keepForwarded>>;
  try {
    if (matched) recorded = await keepForwarded(flow, matched, slot, result);
  } catch (err) {
    result.release(false);
    throw err;
  }
  result.release(true);
  const answered: CallResult = { outcome: result.complete ? outcome : 'fault', status: result.status };
  if (matched) answered.key = matched.key;
  if (recorded) answered.recorded = recorded;
  return answered;
}
