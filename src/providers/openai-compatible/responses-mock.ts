import type { RecordedResponse } from '../../types.js';
import type { MockContext } from '../mock-kit/mock-context.js';
import { ANY_JSON_OBJECT, lastTurnText, planAnswer, positiveInt, recordOf, stringChars } from '../mock-kit/mock-context.js';
import { BASE62, HEX, splitChars, splitWords } from '../mock-kit/mock-random.js';
import { jsonResponse, sseEvent, streamResponse } from '../mock-kit/mock-sse.js';
import { openaiForcedTools, openaiTools } from './chat-mock.js';

type Item = Record<string, unknown>;

/** `POST .../responses`, streamed or not. */
export function openaiResponse(ctx: MockContext): RecordedResponse {
  const { body, rng } = ctx;
  const tools = openaiTools(body.tools);
  const format = recordOf(recordOf(body.text).format);
  const jsonSchema =
    format.type === 'json_schema' ? (format.schema ?? ANY_JSON_OBJECT) : format.type === 'json_object' ? ANY_JSON_OBJECT : undefined;
  const plan = planAnswer(rng, {
    prompt: lastTurnText(body.input),
    inputChars: stringChars(body.input) + stringChars(body.instructions) + stringChars(body.tools),
    forcedTools: openaiForcedTools(body.tool_choice, tools),
    maxTokens: positiveInt(body.max_output_tokens),
    jsonSchema,
  });
  const id = `resp_${rng.chars(50, HEX)}`;
  const output: Item[] =
    plan.calls.length > 0
      ? plan.calls.map((c) => ({
          id: `fc_${rng.chars(50, HEX)}`,
          type: 'function_call',
          status: 'completed',
          arguments: c.argsJson,
          call_id: `call_${rng.chars(24, BASE62)}`,
          name: c.name,
        }))
      : [{ id: `msg_${rng.chars(50, HEX)}`, type: 'message', status: 'completed', content: [outputText(plan.text)], role: 'assistant' }];
  const status = plan.truncated ? 'incomplete' : 'completed';
  const usage = {
    input_tokens: plan.inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: plan.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: plan.inputTokens + plan.outputTokens,
  };
  const response = (state: string, items: Item[], used: unknown): Item => ({
    id,
    object: 'response',
    created_at: ctx.created,
    status: state,
    background: false,
    error: null,
    incomplete_details: state === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: body.max_tool_calls ?? null,
    model: typeof body.model === 'string' ? body.model : 'gpt-4o-mini',
    output: items,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: body.previous_response_id ?? null,
    prompt_cache_key: null,
    reasoning: { effort: recordOf(body.reasoning).effort ?? null, summary: null },
    safety_identifier: null,
    service_tier: 'default',
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: recordOf(body.text).format ?? { type: 'text' }, verbosity: 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_logprobs: 0,
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? 'disabled',
    usage: used,
    user: null,
    metadata: body.metadata ?? {},
  });
  const headers = { 'x-request-id': `req_${rng.chars(32, HEX)}` };
  if (body.stream !== true) return jsonResponse(response(status, output, usage), { indent: 2, headers });

  let seq = 0;
  const raws: string[] = [];
  const emit = (type: string, fields: Item): void => {
    raws.push(sseEvent({ type, sequence_number: seq++, ...fields }, { event: type }));
  };
  emit('response.created', { response: response('in_progress', [], null) });
  emit('response.in_progress', { response: response('in_progress', [], null) });
  output.forEach((item, index) => {
    const itemId = item.id as string;
    if (item.type === 'function_call') {
      const args = item.arguments as string;
      emit('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress', arguments: '' } });
      for (const delta of splitChars(rng, args)) {
        emit('response.function_call_arguments.delta', { item_id: itemId, output_index: index, delta });
      }
      emit('response.function_call_arguments.done', { item_id: itemId, output_index: index, name: item.name, arguments: args });
    } else {
      const where = { item_id: itemId, output_index: index, content_index: 0 };
      emit('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress', content: [] } });
      emit('response.content_part.added', { ...where, part: outputText('') });
      for (const delta of splitWords(rng, plan.text)) emit('response.output_text.delta', { ...where, delta, logprobs: [] });
      emit('response.output_text.done', { ...where, text: plan.text, logprobs: [] });
      emit('response.content_part.done', { ...where, part: outputText(plan.text) });
    }
    emit('response.output_item.done', { output_index: index, item });
  });
  emit(`response.${status}`, { response: response(status, output, usage) });
  return streamResponse(raws, ctx.timing, { contentType: 'text/event-stream; charset=utf-8', headers });
}

function outputText(text: string): Item {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}
