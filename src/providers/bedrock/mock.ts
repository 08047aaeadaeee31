import type { RecordedResponse } from '../../types.js';
import { encodeEventStreamMessage } from '../../stream/aws-eventstream.js';
import type { MockContext } from '../mock-kit/mock-context.js';
import { lastTurnText, planAnswer, positiveInt, recordOf, stringChars } from '../mock-kit/mock-context.js';
import { splitWords } from '../mock-kit/mock-random.js';
import { jsonResponse, streamResponse } from '../mock-kit/mock-sse.js';

/** One ConverseStream message as Bedrock frames it (base64 of its bytes, as a recorded event's raw). */
function eventMessage(type: string, payload: Record<string, unknown>): string {
  const headers = { ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' };
  return encodeEventStreamMessage(headers, Buffer.from(JSON.stringify(payload))).toString('base64');
}

/** Converse and ConverseStream: text only (tool calls are not mocked for Bedrock yet). */
function converse(ctx: MockContext, stream: boolean): RecordedResponse {
  const { body, rng } = ctx;
  const plan = planAnswer(rng, {
    prompt: lastTurnText(body.messages),
    inputChars: stringChars(body.messages) + stringChars(body.system),
    maxTokens: positiveInt(recordOf(body.inferenceConfig).maxTokens),
  });
  const stopReason = plan.truncated ? 'max_tokens' : 'end_turn';
  const usage = { inputTokens: plan.inputTokens, outputTokens: plan.outputTokens, totalTokens: plan.inputTokens + plan.outputTokens };
  const metrics = { latencyMs: 100 + rng.int(0, 400) };
  if (!stream) {
    return jsonResponse({ output: { message: { role: 'assistant', content: [{ text: plan.text }] } }, stopReason, usage, metrics });
  }
  const raws = [eventMessage('messageStart', { role: 'assistant' })];
  for (const piece of splitWords(rng, plan.text))
    raws.push(eventMessage('contentBlockDelta', { contentBlockIndex: 0, delta: { text: piece } }));
  raws.push(eventMessage('contentBlockStop', { contentBlockIndex: 0 }));
  raws.push(eventMessage('messageStop', { stopReason }));
  raws.push(eventMessage('metadata', { usage, metrics }));
  return streamResponse(raws, ctx.timing, { contentType: 'application/vnd.amazon.eventstream', format: 'aws-eventstream' });
}

/** Bedrock endpoints; undefined when the endpoint has no mock. */
export function bedrockMock(ctx: MockContext): RecordedResponse | undefined {
  if (ctx.method !== 'POST') return undefined;
  if (/^\/model\/[^/]+\/converse$/.test(ctx.path)) return converse(ctx, false);
  if (/^\/model\/[^/]+\/converse-stream$/.test(ctx.path)) return converse(ctx, true);
  return undefined;
}
