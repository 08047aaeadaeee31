import { isRecord } from '../../util/is-record.js';
import type { RecordedResponse } from '../../types.js';
import type { MockContext, ToolSpec } from '../mock-kit/mock-context.js';
import { lastTurnText, planAnswer, positiveInt, recordOf, stringChars } from '../mock-kit/mock-context.js';
import { BASE62, estimateTokens, fillerSentence, splitChars, splitWords } from '../mock-kit/mock-random.js';
import { jsonResponse, sseEvent, streamResponse } from '../mock-kit/mock-sse.js';
import { openaiChatCompletion } from '../openai-compatible/chat-mock.js';

type Block = Record<string, unknown>;

const BASE64_CHARS = `${BASE62}+/`;

const MODELS: readonly [string, string, string][] = [
  ['claude-opus-4-1-20250805', 'Claude Opus 4.1', '2025-08-05T00:00:00Z'],
  ['claude-sonnet-4-5-20250929', 'Claude Sonnet 4.5', '2025-09-29T00:00:00Z'],
  ['claude-sonnet-4-20250514', 'Claude Sonnet 4', '2025-05-14T00:00:00Z'],
  ['claude-haiku-4-5-20251001', 'Claude Haiku 4.5', '2025-10-01T00:00:00Z'],
  ['claude-3-5-haiku-20241022', 'Claude Haiku 3.5', '2024-10-22T00:00:00Z'],
];

function modelObject(id: string): Block {
  const known = MODELS.find(([name]) => name === id);
  return { type: 'model', id, display_name: known?.[1] ?? id, created_at: known?.[2] ?? '2025-01-01T00:00:00Z' };
}

/** Client tools only: server tools (web search, code execution) have no `input_schema`. */
function anthropicTools(tools: unknown): ToolSpec[] {
  if (!Array.isArray(tools)) return [];
  return tools
    .filter(isRecord)
    .filter((t) => typeof t.name === 'string' && (t.type === undefined || t.type === 'custom') && t.input_schema !== undefined)
    .map((t) => ({ name: t.name as string, schema: t.input_schema }));
}

function forcedTools(choice: unknown, tools: ToolSpec[]): ToolSpec[] {
  if (!isRecord(choice) || tools.length === 0) return [];
  if (choice.type === 'any') return tools;
  if (choice.type === 'tool' && typeof choice.name === 'string') {
    const name = choice.name;
    return [tools.find((t) => t.name === name) ?? { name, schema: undefined }];
  }
  return [];
}

function messages(ctx: MockContext): RecordedResponse {
  const { body, rng } = ctx;
  const tools = anthropicTools(body.tools);
  const forced = forcedTools(body.tool_choice, tools);
  const format = recordOf(body.output_format);
  const plan = planAnswer(rng, {
    prompt: lastTurnText(body.messages),
    inputChars: stringChars(body.messages) + stringChars(body.system) + stringChars(body.tools),
    forcedTools: forced,
    maxTokens: positiveInt(body.max_tokens),
    jsonSchema: format.type === 'json_schema' ? format.schema : undefined,
  });
  const blocks: Block[] = [];
  // The API refuses thinking together with a forced tool, so the mock never pairs them.
  const thinkingType = recordOf(body.thinking).type;
  if ((thinkingType === 'enabled' || thinkingType === 'adaptive') && forced.length === 0) {
    const thinking = `${fillerSentence(rng)} ${fillerSentence(rng)}`;
    blocks.push({ type: 'thinking', thinking, signature: rng.chars(96, BASE64_CHARS) });
  }
  if (plan.calls.length === 0) blocks.push({ type: 'text', text: plan.text });
  for (const call of plan.calls)
    blocks.push({ type: 'tool_use', id: `toolu_01${rng.chars(22, BASE62)}`, name: call.name, input: call.args });
  const thinkingTokens = blocks[0]?.type === 'thinking' ? estimateTokens(String(blocks[0].thinking).length) : 0;
  const outputTokens = plan.outputTokens + thinkingTokens;
  const stopReason = plan.calls.length > 0 ? 'tool_use' : plan.truncated ? 'max_tokens' : 'end_turn';
  const id = `msg_01${rng.chars(22, BASE62)}`;
  const model = typeof body.model === 'string' ? body.model : 'claude-sonnet-4-20250514';
  const headers = { 'request-id': `req_011C${rng.chars(20, BASE62)}` };
  const usage = (output: number): Block => ({
    input_tokens: plan.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: output,
    service_tier: 'standard',
  });
  const message = (content: Block[], stop: string | null, output: number): Block => ({
    model,
    id,
    type: 'message',
    role: 'assistant',
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: usage(output),
  });
  if (body.stream !== true) return jsonResponse(message(blocks, stopReason, outputTokens), { headers });

  const raws: string[] = [];
  const emit = (type: string, fields: Block = {}): void => {
    raws.push(sseEvent({ type, ...fields }, { event: type }));
  };
  emit('message_start', { message: message([], null, 1) });
  blocks.forEach((block, index) => {
    const delta = (d: Block): void => emit('content_block_delta', { index, delta: d });
    const opened =
      block.type === 'thinking'
        ? { type: 'thinking', thinking: '', signature: '' }
        : block.type === 'text'
          ? { type: 'text', text: '' }
          : { ...block, input: {} };
    emit('content_block_start', { index, content_block: opened });
    // Anthropic sends its keep-alive right after the first block opens.
    if (index === 0) emit('ping');
    if (block.type === 'thinking') {
      for (const piece of splitWords(rng, String(block.thinking))) delta({ type: 'thinking_delta', thinking: piece });
      delta({ type: 'signature_delta', signature: block.signature });
    } else if (block.type === 'text') {
      for (const piece of splitWords(rng, String(block.text))) delta({ type: 'text_delta', text: piece });
    } else {
      delta({ type: 'input_json_delta', partial_json: '' });
      for (const piece of splitChars(rng, JSON.stringify(block.input))) delta({ type: 'input_json_delta', partial_json: piece });
    }
    emit('content_block_stop', { index });
  });
  const { cache_creation: _c, service_tier: _s, ...finalUsage } = usage(outputTokens);
  emit('message_delta', { delta: { stop_reason: stopReason, stop_sequence: null }, usage: finalUsage });
  emit('message_stop');
  return streamResponse(raws, ctx.timing, { contentType: 'text/event-stream; charset=utf-8', headers });
}

/** Anthropic-family endpoints; undefined when the endpoint has no mock. */
export function anthropicMock(ctx: MockContext): RecordedResponse | undefined {
  const { method, path, body } = ctx;
  if (method === 'POST' && /\/messages$/.test(path)) return messages(ctx);
  if (method === 'POST' && /\/messages\/count_tokens$/.test(path)) {
    const chars = stringChars(body.messages) + stringChars(body.system) + stringChars(body.tools);
    return jsonResponse({ input_tokens: estimateTokens(chars) });
  }
  if (method === 'POST' && /\/chat\/completions$/.test(path)) return openaiChatCompletion(ctx);
  if (method === 'GET' && /\/models$/.test(path)) {
    const data = MODELS.map(([id]) => modelObject(id));
    return jsonResponse({ data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null });
  }
  const one = /\/models\/([^/]+)$/.exec(path);
  if (method === 'GET' && one?.[1] !== undefined) return jsonResponse(modelObject(decodeURIComponent(one[1])));
  return undefined;
}
