import { setTimeout as sleep } from 'node:timers/promises';
import type { CassetteOptions } from '../config/load-config.js';
import { CassetteError } from '../errors.js';
import type { Logger } from '../log.js';
import type { CanonicalBodyFn } from '../match/canonical-body.js';
import type { MissExplanation } from '../match/explain-miss.js';
import type { MatchedRequest, RequestMatcher } from '../match/request-matcher.js';
import type { Route } from '../providers/registry.js';
import type { Budget } from '../safety/budget.js';
import type { Chaos, ChaosAction } from '../safety/chaos.js';
import type { Redactor } from '../safety/create-redactor.js';
import type { Interaction, RecordedRequest } from '../types.js';
import type { ForwardResult, Upstream } from '../upstream/forward-request.js';
import type { ProxyCall } from './proxy-call.js';
import { buildInteraction } from './build-interaction.js';
import { createMockResponse } from '../providers/mock-kit/mock-response.js';
import type { Outcome, ProxyStats } from './proxy-stats.js';
import type { Recorder } from './recorder.js';
import type { RecordingFlights } from './recording-flights.js';
import type { FindResult, Replayer } from './replayer.js';
import type { SmokeFinding } from './smoke-checker.js';
import { prepareResponse, rewritePrepared, sendPrepared } from './send-recorded.js';
import { sendError } from './send-error.js';
import { buildUpstreamRequest } from './upstream-request.js';

/** Everything a proxied call may use; built once per server. */
export interface ProxyRuntime {
  options: CassetteOptions;
  matcher: RequestMatcher;
  canonicalBody: (provider: string) => CanonicalBodyFn;
  redactor: Redactor;
  stats: ProxyStats;
  logger: Logger;
  budget: Budget;
  /** Absent in golden and mock: those modes cannot open a connection. */
  upstream: Upstream | undefined;
  replayer: Replayer | undefined;
  recorder: Recorder | undefined;
  /** record-missing: identical misses forwarded once, across the processes sharing the store. */
  flights?: RecordingFlights | undefined;
  chaos: (episode: string) => Chaos | undefined;
  /** Smoke mode: compares one live answer with the contract; returns drift findings. */
  checkAnswer?: (route: Route, interaction: ReturnType<typeof buildInteraction>) => SmokeFinding[];
}

type Truncate = Extract<ChaosAction, { kind: 'truncate' }>;
type Slot = Awaited<ReturnType<Recorder['reserve']>>;

export interface CallResult {
  outcome: Outcome;
  status: number;
  key?: string;
  /** A miss: what was asked and the nearest recording (the UI's live view and reports show it). */
  miss?: MissDetail;
  /** record-missing: the complete interaction this call recorded (what identical waiting calls serve). */
  recorded?: Interaction;
}

/** A missed request as stored (redacted) and why it missed. */
export interface MissDetail {
  message: string;
  request: RecordedRequest;
  explanation?: MissExplanation;
}

/**
 * Serves one proxied request in the configured mode. A golden hit answered at instant timing
 * returns its result directly: the hot path of replay allocates no promise and waits for no tick.
 */
export function handleProxyCall(rt: ProxyRuntime, call: ProxyCall): CallResult | Promise<CallResult> {
  const action = rt.chaos(call.episode)?.next(call.route.provider) ?? { kind: 'none' };
  if (action.kind === 'none') return serve(rt, call, undefined);
  if (action.kind === 'truncate') return serve(rt, call, action);
  if (action.kind === 'slow') return sleep(action.delayMs).then(() => serve(rt, call, undefined));
  return injectFault(rt, call, action);
}

function serve(rt: ProxyRuntime, call: ProxyCall, truncate: Truncate | undefined): CallResult | Promise<CallResult> {
  const { options } = rt;
  if (options.mode === 'mock') return serveMock(rt, call, truncate);

  const match = (): MatchedRequest =>
    rt.matcher.match({
      method: call.req.method ?? 'GET',
      provider: call.route.name,
      path: call.path,
      query: call.query,
      headers: call.req.headers,
      body: call.body,
    });
  // Passthrough neither replays nor records: it needs no key. Live and smoke compute it while the
  // upstream is already working on the request, so matching adds nothing to time to first byte.
  if (options.mode === 'passthrough') return forward(rt, call, undefined, truncate);
  if (options.mode === 'live' || options.mode === 'smoke') return forward(rt, call, match, truncate);
  const matched = match();

  if (rt.replayer && (options.mode === 'golden' || options.mode === 'record-missing')) {
    const found = rt.replayer.find(call.episode, matched.key);
    // A store that answers at once (SQLite, directory; any store once the answer is cached) keeps
    // the hit free of promises; a network store's first read of an answer is awaited.
    return found instanceof Promise
      ? found.then((f) => replayed(rt, call, matched, truncate, f))
      : replayed(rt, call, matched, truncate, found);
  }
  return forward(rt, call, () => matched, truncate);
}

function replayed(
  rt: ProxyRuntime,
  call: ProxyCall,
  matched: MatchedRequest,
  truncate: Truncate | undefined,
  found: FindResult,
): CallResult | Promise<CallResult> {
  if (found.kind === 'hit') {
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
  if (rt.options.mode === 'golden') return sendMiss(rt, call, matched, found.exhausted);
  // A key never recorded is forwarded once across the fleet; an occurrence past the last one
  // (--strict) is a new recording of its own, as before.
  if (rt.flights && found.exhausted === undefined)
    return rt.flights.record(
      call.episode,
      matched.key,
      () => forward(rt, call, () => matched, truncate).then((result) => ({ result, recorded: result.recorded })),
      (i) => serveRecordedElsewhere(rt, call, matched, truncate, i),
    );
  return forward(rt, call, () => matched, truncate);
}

/** record-missing: serves what another call (of this proxy or another one of the fleet) just recorded for the key. */
async function serveRecordedElsewhere(
  rt: ProxyRuntime,
  call: ProxyCall,
  matched: MatchedRequest,
  truncate: Truncate | undefined,
  i: Interaction,
): Promise<CallResult> {
  rt.stats.addUsage(i.usage, i.costUsd, true);
  const prepared = prepareResponse(i.response, { 'x-cassette-outcome': 'hit', 'x-cassette-take': String(i.take) });
  await sendPrepared(call.res, prepared, sendOptions(rt, truncate));
  return { outcome: truncate ? 'fault' : 'hit', status: prepared.status, key: matched.key };
}

async function serveMock(rt: ProxyRuntime, call: ProxyCall, truncate: Truncate | undefined): Promise<CallResult> {
  const response = createMockResponse(call.route.provider, {
    provider: call.route.name,
    method: call.req.method ?? 'GET',
    path: call.path,
    query: call.query,
    body: parseJson(call.body),
    seed: rt.options.seed,
  });
  await sendPrepared(call.res, prepareResponse(response), sendOptions(rt, truncate));
  return { outcome: truncate ? 'fault' : 'forwarded', status: response.status };
}

async function forward(
  rt: ProxyRuntime,
  call: ProxyCall,
  getMatched: (() => MatchedRequest) | undefined,
  truncate: Truncate | undefined,
): Promise<CallResult> {
  const { options } = rt;
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
  const record = getMatched !== undefined && rt.recorder !== undefined && (options.mode === 'live' || options.mode === 'record-missing');
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
    capture: record || options.mode === 'smoke',
    redactor: rt.redactor,
    captureLimits: options.file.limits,
    streamPath: call.path,
    query: call.query,
    ...(truncate ? { truncateAfterBytes: truncate.afterBytes } : {}),
    // A recorded answer is finished for the client only once it is in the store: a crash can
    // then never lose an answer the client holds, and --on-store-error fail can still cut it.
    holdEnd: record,
    clientEnds: call.route.provider.clientEndsStream?.(call.req.method ?? 'GET', call.path) === true,
  });
  let matched: MatchedRequest | undefined;
  let slot: Slot | undefined;
  try {
    matched = getMatched?.();
    slot = record && matched ? await rt.recorder?.reserve(call.episode, matched.key) : undefined;
  } catch (err) {
    void pending.then(
      (r) => r.release(false),
      () => undefined,
    );
    throw err;
  }
  const result = await pending;
  let recorded: Interaction | undefined;
  try {
    if (matched) recorded = await storeForwarded(rt, call, matched, slot, result);
  } catch (err) {
    result.release(false);
    throw err;
  }
  result.release(true);
  return {
    outcome: result.complete ? outcome : 'fault',
    status: result.status,
    ...(matched ? { key: matched.key } : {}),
    ...(recorded ? { recorded } : {}),
  };
}

/**
 * Builds the interaction of a forwarded call and stores it (live, record-missing) or checks it
 * (smoke). Resolves once it is committed to the store, with the interaction when record-missing
 * stored it complete.
 */
async function storeForwarded(
  rt: ProxyRuntime,
  call: ProxyCall,
  matched: MatchedRequest,
  slot: Slot | undefined,
  result: ForwardResult,
): Promise<Interaction | undefined> {
  const { options } = rt;
  let stored: Promise<void> | undefined;
  let recorded: Interaction | undefined;
  if (slot || options.mode === 'smoke') {
    const interaction = buildInteraction({
      episode: call.episode,
      take: slot ? await slot.take() : 0,
      position: slot?.position ?? 0,
      occurrence: slot?.occurrence ?? 1,
      route: call.route,
      key: matched.key,
      keyRules: rt.matcher.rulesFingerprint(call.route.name),
      request: matched.request,
      // Redact rules apply to everything stored, response headers included (SPEC §4).
      forwarded: { ...result, headers: redactHeaders(rt.redactor, result.headers) },
      prices: options.file.prices,
    });
    rt.budget.addCost(interaction.costUsd);
    rt.stats.addUsage(interaction.usage, interaction.costUsd, false);
    if (slot && rt.recorder) {
      stored = rt.recorder.append(interaction);
      if (interaction.complete && options.mode === 'record-missing') {
        await rt.replayer?.add(call.episode, interaction);
        recorded = interaction;
      }
    }
    if (options.mode === 'smoke' && rt.checkAnswer) {
      for (const f of rt.checkAnswer(call.route, interaction)) {
        rt.stats.drift.push({ ...f, provider: call.route.name });
        rt.logger.warn({ provider: call.route.name, ...f }, `contract drift: ${f.check} at ${f.path}`);
      }
    }
  }
  await stored;
  return recorded;
}

async function sendMiss(rt: ProxyRuntime, call: ProxyCall, matched: MatchedRequest, exhausted: number | undefined): Promise<CallResult> {
  const operation = call.route.provider.operation?.(matched.request);
  const endpoint = `${matched.request.method} ${call.path}${operation ? ` ${operation}` : ''}`;
  let message: string;
  let why: MissExplanation | undefined;
  if (exhausted !== undefined) {
    message = `cassette miss in episode "${call.episode}": all ${exhausted} recording(s) of ${call.route.name} ${endpoint} were already used (--strict).`;
  } else if ((await rt.replayer?.recordingCount(call.episode)) === 0) {
    message = `cassette miss: episode "${call.episode}" has no recordings in ${rt.options.store}. Record it first (--mode live or record-missing).`;
  } else {
    why = await rt.replayer?.explain(call.episode, call.route, matched.request, rt.canonicalBody);
    const nearest = why?.nearest
      ? ` Nearest recording: step ${why.nearest.position} (${why.nearest.method} ${why.nearest.path}); differs: ${why.differences.join('; ') || 'only in ignored details'}.`
      : '';
    message = `cassette miss in episode "${call.episode}": no recording of ${call.route.name} ${endpoint}.${nearest} Re-record with --mode record-missing or live.`;
  }
  await rt.replayer?.noteMiss(call.episode, call.route.name, matched.request);
  rt.stats.misses.push({ episode: call.episode, provider: call.route.name, method: matched.request.method, path: call.path, message });
  rt.logger.warn({ episode: call.episode, provider: call.route.name, key: matched.key, code: 'cassette_miss' }, message);
  const status = sendError(
    call.res,
    call.route.provider,
    new CassetteError('cassette_miss', message),
    { 'x-cassette-miss': '1' },
    call.body,
  );
  return {
    outcome: 'miss',
    status,
    key: matched.key,
    miss: { message, request: matched.request, ...(why ? { explanation: why } : {}) },
  };
}

async function injectFault(rt: ProxyRuntime, call: ProxyCall, action: ChaosAction): Promise<CallResult> {
  switch (action.kind) {
    case 'respond':
      await sendPrepared(call.res, prepareResponse(action.response), { timing: 'instant' });
      return { outcome: 'fault', status: action.response.status };
    case 'reset':
      call.req.socket.resetAndDestroy?.() ?? call.req.socket.destroy();
      return { outcome: 'fault', status: 0 };
    case 'timeout': {
      // Hold the request open until the client gives up, bounded by the upstream timeout.
      const limit = rt.options.file.limits.upstreamTimeoutMs;
      await Promise.race([sleep(limit), new Promise((r) => call.res.once('close', r))]);
      if (!call.res.destroyed)
        sendError(call.res, call.route.provider, new CassetteError('upstream_timeout', 'injected timeout (--chaos)'), {
          'x-cassette-fault': 'timeout',
        });
      return { outcome: 'fault', status: 504 };
    }
    default:
      return { outcome: 'fault', status: 0 };
  }
}

function sendOptions(rt: ProxyRuntime, truncate: Truncate | undefined) {
  return { timing: rt.options.timing, ...(truncate ? { truncateAfterEvents: truncate.afterEvents } : {}) };
}

function redactHeaders(redactor: Redactor, headers: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = Array.isArray(v) ? v.map((x) => redactor.text(x)) : redactor.text(v);
  return out;
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
