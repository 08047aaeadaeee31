import { setTimeout as sleep } from 'node:timers/promises';
import { CassetteError } from '../errors.js';
import type { ProxyCall } from '../modes/proxy-call.js';
import type { ProxyRuntime } from '../modes/proxy-runtime.js';
import { prepareResponse, sendPrepared } from '../modes/send-recorded.js';
import { sendError } from '../modes/send-error.js';
import type { ChaosAction } from '../safety/chaos.js';
import type { CallResult } from './call-result.js';
import type { Flow } from './step.js';

/**
 * --chaos, first in every mode: draws this request's fault from the seed. A fault that replaces
 * the answer (an error body, a reset, a timeout) answers here; a slow start waits, then passes on;
 * a truncation passes on and is applied by whichever step sends the answer.
 */
export function injectChaos(flow: Flow): CallResult | Promise<CallResult | undefined> | undefined {
  const action = flow.rt.chaos(flow.call.episode)?.next(flow.call.route.provider);
  if (action === undefined || action.kind === 'none') return undefined;
  if (action.kind === 'truncate') {
    flow.truncate = action;
    return undefined;
  }
  if (action.kind === 'slow') return sleep(action.delayMs).then(() => undefined);
  return injectFault(flow.rt, flow.call, action);
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
