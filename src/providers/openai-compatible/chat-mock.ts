import { isRecord } from '../../util/is-record.js';
import type { RecordedResponse } from '../../types.js';
import type { AnswerPlan, MockContext, ToolSpec } from '../mock-kit/mock-context.js';
import { ANY_JSON_OBJECT, lastTurnText, planAnswer, positiveInt, recordOf, stringChars } from '../mock-kit/mock-context.js';
import { BASE62, HEX, splitChars, splitWords } from '../mock-kit/mock-random.js';
import { jsonResponse, sseEvent, streamResponse } from '../mock-kit/mock-sse.js';

/** Function tools of an OpenAI request, chat (`{function:{name}}`) or Responses (`{name}`) style. */
export function openaiTools(tools: unknown): ToolSpec[] {
  if (!Array.isArray(tools)) return [];
  const out: ToolSpec[] = [];
  for (const tool of tools) {
    if (!isRecord(tool) || (tool.type !== undefined && tool.type !== 'function')) continue;
    const fn = isRecord(tool.function) ? tool.function : tool;
    if (typeof fn.name === 'string') out.push({ name: fn.name, schema: fn.parameters });
  }
  return out;
}

/** The tools an OpenAI `tool_choice` obliges the model to call from (empty: it may answer in text). */
export function openaiForcedTools(choice: unknown, tools: ToolSpec[]): ToolSpec[] {
  if (tools.length === 0) return [];
  if (choice === 'required') return tools;
  if (!isRecord(choice)) return [];
  if (choice.type === 'function') {
    const name = recordOf(choice.function).name ?? choice.name;
    if (typeof name !== 'string') return tools;
    return [tools.find((t) => t.name === name) ?? { name, schema: undefined }];
  }
  if (choice.type === 'allowed_tools') {
    const allowed = recordOf(choice.allowed_tools);
    if (allowed.mode !== 'required') return [];
    const names = new Set(openaiTools(allowed.tools).map((t) => t.name));
    const subset = tools.filter((t) => names.has(t.name));
    return subset.length > 0 ? subset : tools;
  }
  return [];
}

/** Token usage in the chat-completions shape. */
function chatUsage(plan: AnswerPlan): Record<string, unknown> {
  return {
    prompt_tokens: plan.inputTokens,
    completion_tokens: plan.outputTokens,
    total_tokens: plan.inputTokens + plan.outputTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/** `POST .../chat/completions`, streamed or not. */
export function openaiChatCompletion(ctx: MockContext): RecordedResponse {
  const { body, rng } = ctx;
  const tools = openaiTools(body.tools);
  const format = recordOf(body.response_format);
  const jsonSchema =
    format.type === 'json_schema'
      ? (recordOf(format.json_schema).schema ?? ANY_JSON_OBJECT)
      : format.type === 'json_object'
        ? ANY_JSON_OBJECT
        : undefined;
  const plan = planAnswer(rng, {
    prompt: lastTurnText(body.messages),
    inputChars: stringChars(body.messages) + stringChars(body.tools),
    forcedTools: openaiForcedTools(body.tool_choice, tools),
    maxTokens: positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_tokens),
    jsonSchema,
  });
  const id = `chatcmpl-${rng.chars(29, BASE62)}`;
  const model = typeof body.model === 'string' ? body.model : 'gpt-4o-mini';
  const fingerprint = `fp_${rng.chars(10, HEX)}`;
  const calls = plan.calls.map((c) => ({
    id: `call_${rng.chars(24, BASE62)}`,
    type: 'function',
    function: { name: c.name, arguments: c.argsJson },
  }));
  const finish = calls.length > 0 ? 'tool_calls' : plan.truncated ? 'length' : 'stop';
  const headers = { 'x-request-id': `req_${rng.chars(32, HEX)}` };

  if (body.stream !== true) {
    const message: Record<string, unknown> = {
      role: 'assistant',
      content: calls.length > 0 ? null : plan.text,
      refusal: null,
      annotations: [],
    };
    if (calls.length > 0) message.tool_calls = calls;
    return jsonResponse(
      {
        id,
        object: 'chat.completion',
        created: ctx.created,
        model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
        usage: chatUsage(plan),
        service_tier: 'default',
        system_fingerprint: fingerprint,
      },
      { indent: 2, headers },
    );
  }

  const includeUsage = recordOf(body.stream_options).include_usage === true;
  const chunk = (choices: unknown[], usage: unknown = null): string =>
    sseEvent({
      id,
      object: 'chat.completion.chunk',
      created: ctx.created,
      model,
      service_tier: 'default',
      system_fingerprint: fingerprint,
      choices,
      ...(includeUsage ? { usage } : {}),
    });
  const delta = (d: Record<string, unknown>, finishReason: string | null = null): string =>
    chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finishReason }]);

  const raws: string[] = [];
  if (calls.length === 0) {
    raws.push(delta({ role: 'assistant', content: '', refusal: null }));
    for (const piece of splitWords(rng, plan.text)) raws.push(delta({ content: piece }));
  } else {
    calls.forEach((call, index) => {
      const head = { index, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } };
      raws.push(delta(index === 0 ? { role: 'assistant', content: null, tool_calls: [head], refusal: null } : { tool_calls: [head] }));
      for (const piece of splitChars(rng, call.function.arguments)) {
        raws.push(delta({ tool_calls: [{ index, function: { arguments: piece } }] }));
      }
    });
  }
  raws.push(delta({}, finish));
  if (includeUsage) raws.push(chunk([], chatUsage(plan)));
  raws.push(sseEvent('[DONE]'));
  return streamResponse(raws, ctx.timing, { contentType: 'text/event-stream; charset=utf-8', headers });
}
