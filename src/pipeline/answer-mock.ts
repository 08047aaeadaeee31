import { createMockResponse } from '../providers/mock-kit/mock-response.js';
import { prepareResponse, sendPrepared } from '../modes/send-recorded.js';
import type { CallResult } from './call-result.js';
import { sendOptions } from './send-options.js';
import type { Flow } from './step.js';

/** Makes the answer up from the request with the provider's mock responder (seeded: the same request gets the same answer). */
export async function answerMock(flow: Flow): Promise<CallResult> {
  const { rt, call, truncate } = flow;
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

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}
