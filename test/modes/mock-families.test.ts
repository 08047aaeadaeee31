import { describe, expect, it } from 'vitest';
import { MOCK_UNSUPPORTED } from '../../src/providers/mock-kit/mock-response.js';
import { events, json, mock, responseText } from './mock-helpers.js';

const weather = {
  type: 'object',
  properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } },
  required: ['city', 'unit'],
};
const claude = { model: 'claude-sonnet-4-0', max_tokens: 1024, messages: [{ role: 'user', content: 'Name a colour' }] };
const gemini = '/v1beta/models/gemini-2.5-flash';
const contents = [{ role: 'user', parts: [{ text: 'Name a colour' }] }];

describe('anthropic family', () => {
  it('messages: text answer with usage', () => {
    const body = json(mock('anthropic', 'POST', '/v1/messages', claude));
    expect(body).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn', content: [{ type: 'text' }] });
    expect(body.id).toMatch(/^msg_01/);
    expect(body.content[0].text).toContain('Name a colour');
    expect(body.usage.output_tokens).toBe(Math.ceil(body.content[0].text.length / 4));
  });

  it('messages: stream grammar, text assembles to the whole answer', () => {
    const whole = json(mock('anthropic', 'POST', '/v1/messages', claude)).content[0].text;
    const evs = events(mock('anthropic', 'POST', '/v1/messages', { ...claude, stream: true }));
    const names = evs.map((e) => e.event);
    expect(names.slice(0, 3)).toEqual(['message_start', 'content_block_start', 'ping']);
    expect(names.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    evs.forEach((e) => expect(e.json.type).toBe(e.event));
    const text = evs
      .filter((e) => e.json.delta?.type === 'text_delta')
      .map((e) => e.json.delta.text)
      .join('');
    expect(text).toBe(whole);
    expect(evs.at(-2)!.json).toMatchObject({ delta: { stop_reason: 'end_turn' }, usage: { output_tokens: Math.ceil(whole.length / 4) } });
  });

  it('messages: tool_choice any / tool gives a tool_use block; streamed as input_json_delta', () => {
    const tools = [
      { name: 'weather', input_schema: weather },
      { name: 'other', input_schema: { type: 'object', properties: {} } },
    ];
    const body = json(mock('anthropic', 'POST', '/v1/messages', { ...claude, tools, tool_choice: { type: 'tool', name: 'weather' } }));
    expect(body.stop_reason).toBe('tool_use');
    expect(body.content).toEqual([
      {
        type: 'tool_use',
        id: expect.stringMatching(/^toolu_01/),
        name: 'weather',
        input: expect.objectContaining({ city: expect.any(String) }),
      },
    ]);
    expect(['c', 'f']).toContain(body.content[0].input.unit);

    const evs = events(mock('anthropic', 'POST', '/v1/messages', { ...claude, tools, tool_choice: { type: 'any' }, stream: true }));
    const start = evs.find((e) => e.event === 'content_block_start')!.json.content_block;
    expect(start).toMatchObject({ type: 'tool_use', input: {} });
    const partial = evs
      .filter((e) => e.json.delta?.type === 'input_json_delta')
      .map((e) => e.json.delta.partial_json)
      .join('');
    expect(JSON.parse(partial)).toBeTypeOf('object');
    expect(evs.at(-2)!.json.delta.stop_reason).toBe('tool_use');
    expect(json(mock('anthropic', 'POST', '/v1/messages', { ...claude, tools })).content[0].type).toBe('text');
  });

  it('messages: thinking block when thinking is enabled; max_tokens truncation', () => {
    const body = json(mock('anthropic', 'POST', '/v1/messages', { ...claude, thinking: { type: 'enabled', budget_tokens: 1024 } }));
    expect(body.content.map((b: any) => b.type)).toEqual(['thinking', 'text']);
    expect(body.content[0].signature.length).toBeGreaterThan(20);
    expect(json(mock('anthropic', 'POST', '/v1/messages', { ...claude, max_tokens: 2 })).stop_reason).toBe('max_tokens');
  });

  it('count_tokens and models', () => {
    expect(json(mock('anthropic', 'POST', '/v1/messages/count_tokens', claude)).input_tokens).toBeGreaterThan(0);
    const list = json(mock('anthropic', 'GET', '/v1/models'));
    expect(list).toMatchObject({ has_more: false, data: expect.arrayContaining([expect.objectContaining({ type: 'model' })]) });
    expect(json(mock('anthropic', 'GET', '/v1/models/claude-x'))).toMatchObject({ id: 'claude-x', type: 'model' });
  });
});

describe('gemini family', () => {
  it('generateContent: text, usage, finishReason', () => {
    const response = mock('gemini', 'POST', `${gemini}:generateContent`, { contents });
    expect(response.headers['content-type']).toBe('application/json; charset=UTF-8');
    const body = json(response);
    expect(body.candidates[0]).toMatchObject({ content: { role: 'model' }, finishReason: 'STOP', index: 0 });
    expect(body.usageMetadata.totalTokenCount).toBe(body.usageMetadata.promptTokenCount + body.usageMetadata.candidatesTokenCount);
    expect(body.modelVersion).toBe('gemini-2.5-flash');
  });

  it('streamGenerateContent alt=sse: CRLF-separated data events; last has finishReason', () => {
    const whole = json(mock('gemini', 'POST', `${gemini}:generateContent`, { contents })).candidates[0].content.parts[0].text;
    const response = mock('gemini', 'POST', `${gemini}:streamGenerateContent`, { contents }, 0, '?alt=sse');
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(response.stream!.events.every((e) => e.raw.startsWith('data: {') && e.raw.endsWith('}\r\n\r\n'))).toBe(true);
    const evs = events(response);
    expect(evs.map((e) => e.json.candidates[0].content.parts[0].text).join('')).toBe(whole);
    expect(evs.at(-1)!.json.candidates[0].finishReason).toBe('STOP');
    expect(evs.slice(0, -1).every((e) => e.json.candidates[0].finishReason === undefined)).toBe(true);
  });

  it('streamGenerateContent without alt=sse: one JSON array', () => {
    const response = mock('gemini', 'POST', `${gemini}:streamGenerateContent`, { contents });
    expect(response.stream!.format).toBe('json-array');
    const array = JSON.parse(responseText(response));
    expect(Array.isArray(array) && array.length === response.stream!.events.length).toBe(true);
    expect(array.at(-1).candidates[0].finishReason).toBe('STOP');
  });

  it('function calling mode ANY, OpenAPI upper-case types, allowedFunctionNames', () => {
    const tools = [
      {
        functionDeclarations: [
          { name: 'a', parameters: { type: 'OBJECT', properties: { n: { type: 'INTEGER' } }, required: ['n'] } },
          { name: 'b', parameters: { type: 'OBJECT', properties: { s: { type: 'STRING', enum: ['x', 'y'] } }, required: ['s'] } },
        ],
      },
    ];
    const toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['b'] } };
    const part = json(mock('gemini', 'POST', `${gemini}:generateContent`, { contents, tools, toolConfig })).candidates[0].content.parts[0];
    expect(part.functionCall.name).toBe('b');
    expect(['x', 'y']).toContain(part.functionCall.args.s);
    const evs = events(mock('gemini', 'POST', `${gemini}:streamGenerateContent`, { contents, tools, toolConfig }, 0, 'alt=sse'));
    expect(evs).toHaveLength(1);
    expect(evs[0]!.json.candidates[0].content.parts[0].functionCall.name).toBe('b');
    expect(json(mock('gemini', 'POST', `${gemini}:generateContent`, { contents, tools })).candidates[0].content.parts[0].text).toBeTypeOf(
      'string',
    );
  });

  it('responseMimeType application/json with a schema gives JSON', () => {
    const generationConfig = {
      responseMimeType: 'application/json',
      responseSchema: { type: 'OBJECT', properties: { k: { type: 'NUMBER' } }, required: ['k'] },
    };
    const text = json(mock('gemini', 'POST', `${gemini}:generateContent`, { contents, generationConfig })).candidates[0].content.parts[0]
      .text;
    expect(JSON.parse(text).k).toBeTypeOf('number');
  });

  it('embedContent, batchEmbedContents, countTokens, models', () => {
    const model = '/v1beta/models/gemini-embedding-001';
    const one = json(mock('gemini', 'POST', `${model}:embedContent`, { content: { parts: [{ text: 'hello' }] }, outputDimensionality: 8 }));
    expect(one.embedding.values).toHaveLength(8);
    const batch = json(
      mock('gemini', 'POST', `${model}:batchEmbedContents`, {
        requests: [
          { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'hello' }] }, outputDimensionality: 8 },
          { model: 'models/gemini-embedding-001', content: { parts: [{ text: 'bye' }] } },
        ],
      }),
    );
    expect(batch.embeddings[0].values).toEqual(one.embedding.values);
    expect(batch.embeddings[1].values).toHaveLength(3072);
    expect(json(mock('gemini', 'POST', `${gemini}:countTokens`, { contents })).totalTokens).toBeGreaterThan(0);
    expect(json(mock('gemini', 'GET', '/v1beta/models')).models[0].name).toMatch(/^models\//);
    expect(json(mock('gemini', 'GET', `${gemini}`)).name).toBe('models/gemini-2.5-flash');
  });
});

describe('unsupported endpoints', () => {
  it('answer 404 in each family error shape, naming the endpoint', () => {
    const openai = mock('openai', 'POST', '/v1/images/generations', {});
    expect(openai.status).toBe(404);
    expect(json(openai).error).toMatchObject({ code: MOCK_UNSUPPORTED, message: expect.stringContaining('POST /v1/images/generations') });
    expect(json(mock('anthropic', 'POST', '/v1/complete', {}))).toMatchObject({ type: 'error', error: { type: MOCK_UNSUPPORTED } });
    const g = json(mock('gemini', 'POST', `${gemini}:predict`, {}));
    expect(g.error).toMatchObject({ code: 404, status: 'NOT_FOUND', message: expect.stringContaining(':predict') });
    expect(mock('openai', 'DELETE', '/v1/models/x').status).toBe(404);
  });
});
