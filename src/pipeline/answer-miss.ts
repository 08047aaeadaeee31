import { CassetteError } from '../errors.js';
import type { MissExplanation } from '../match/explain-miss.js';
import { sendError } from '../modes/send-error.js';
import type { CallResult } from './call-result.js';
import { matchedOf } from './match-request.js';
import type { Flow } from './step.js';

/**
 * Answers a miss in a mode that cannot forward: 404 in the provider's error shape, saying why
 * (occurrences used up under --strict, an episode never recorded, or the nearest recording and
 * how it differs), and notes the miss for the summary, the log and the UI.
 */
export async function answerMiss(flow: Flow): Promise<CallResult> {
  const { rt, call, exhausted } = flow;
  const matched = matchedOf(flow);
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
