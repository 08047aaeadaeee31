import { describe, expect, it } from 'vitest';
import { events, json, mock, responseText } from './mock-helpers.js';

const chatBody = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'What is the capital of France?' }] };
const weather = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    days: { type: 'integer', minimum: 1, maximum: 7 },
    hourly: { type: 'boolean' },
  },
  required: ['city', 'unit', 'days'],
};

describe('determinism', () => {
  it('gives byte-identical answers for the same request and seed', () => {
    for (const stream of [false, true]) {
      const a = mock('openai', 'POST', '/v1/chat/completions', { ...chatBody, stream }, 7);
      const b = mock('openai', 'POST', '/v1/chat/completions', { ...chatBody, stream }, 7);
      expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    }
  });

  it('ignores key order of the body', () => {
    const a = mock('anthropic', 'POST', '/v1/messages', { model: 'm', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });
    const b = mock('anthropic', 'POST', '/v1/messages', { messages: [{ content: 'hi', role: 'user' }], max_tokens: 50, model: 'm' });
    expect(responseText(b)).toBe(responseText(a));
  });

  it('changes text and ids with the seed', () => {
    const a = json(mock('openai', 'POST', '/v1/chat/completions', chatBody, 1));
    const b = json(mock('openai', 'POST', '/v1/chat/completions', chatBody, 2));
    expect(b.id).not.toBe(a.id);
    expect(b.choices[0].message.content).not.toBe(a.choices[0].message.content);
  });

  it('says the same thing streamed and not', () => {
    const whole = json(mock('openai', 'POST', '/v1/chat/completions', chatBody, 3)).choices[0].message.content;
    const streamed = events(mock('openai', 'POST', '/v1/chat/completions', { ...chatBody, stream: true }, 3))
      .map((e) => e.json?.choices?.[0]?.delta?.content ?? '')
      .join('');
    expect(streamed).toBe(whole);
  });

  it('quotes the last user message and marks the answer as mock', () => {
    const response = mock('openai', 'POST', '/v1/chat/completions', chatBody);
    expect(json(response).choices[0].message.content).toContain('What is the capital of France?');
    expect(response.headers['x-cassette-mock']).toBe('1');
  });
});

describe('openai family', () => {
  it('chat: non-streamed text with usage', () => {
    const body = json(mock('openai', 'POST', '/v1/chat/completions', chatBody));
    expect(body).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-mini',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant' } }],
    });
    expect(body.id).toMatch(/^chatcmpl-/);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
    expect(body.usage.completion_tokens).toBe(Math.ceil(body.choices[0].message.content.length / 4));
  });

  it('chat: stream grammar with include_usage', () => {
    const evs = events(
      mock('openai', 'POST', '/v1/chat/completions', { ...chatBody, stream: true, stream_options: { include_usage: true } }),
    );
    expect(evs.at(-1)!.data).toBe('[DONE]');
    expect(evs[0]!.json.choices[0].delta).toMatchObject({ role: 'assistant', content: '' });
    const usage = evs.at(-2)!.json;
    expect(usage.choices).toEqual([]);
    expect(usage.usage.prompt_tokens).toBeGreaterThan(0);
    expect(evs.at(-3)!.json.choices[0].finish_reason).toBe('stop');
    expect(evs.slice(0, -2).every((e) => e.json.usage === null)).toBe(true);
  });

  it('chat: stream without include_usage has no usage field', () => {
    const evs = events(mock('openai', 'POST', '/v1/chat/completions', { ...chatBody, stream: true }));
    expect(evs.slice(0, -1).every((e) => !('usage' in e.json))).toBe(true);
  });

  it('chat: tool_choice required gives schema-valid arguments, streamed as fragments', () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: weather } }];
    const whole = json(mock('openai', 'POST', '/v1/chat/completions', { ...chatBody, tools, tool_choice: 'required' }));
    const call = whole.choices[0].message.tool_calls[0];
    expect(whole.choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { content: null } });
    const args = JSON.parse(call.function.arguments);
    expect(typeof args.city).toBe('string');
    expect(['celsius', 'fahrenheit']).toContain(args.unit);
    expect(Number.isInteger(args.days) && args.days >= 1 && args.days <= 7).toBe(true);

    const evs = events(mock('openai', 'POST', '/v1/chat/completions', { ...chatBody, tools, tool_choice: 'required', stream: true }));
    const deltas = evs.flatMap((e) => e.json?.choices?.[0]?.delta?.tool_calls ?? []);
    expect(deltas[0]).toMatchObject({ index: 0, id: call.id, type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(deltas.map((d: any) => d.function.arguments).join('')).toBe(call.function.arguments);
    expect(evs.at(-2)!.json.choices[0].finish_reason).toBe('tool_calls');
  });

  it('chat: auto tool_choice answers in text; named function is honoured', () => {
    const tools = [
      { type: 'function', function: { name: 'a', parameters: { type: 'object', properties: {} } } },
      { type: 'function', function: { name: 'b', parameters: weather } },
    ];
    expect(json(mock('openai', 'POST', '/v1/chat/completions', { ...chatBody, tools })).choices[0].message.tool_calls).toBeUndefined();
    const named = json(
      mock('openai', 'POST', '/v1/chat/completions', { ...chatBody, tools, tool_choice: { type: 'function', function: { name: 'b' } } }),
    );
    expect(named.choices[0].message.tool_calls[0].function.name).toBe('b');
  });

  it('chat: json_schema response_format gives JSON that fits; max tokens truncates', () => {
    const fmt = { type: 'json_schema', json_schema: { name: 'w', schema: weather, strict: true } };
    const content = json(mock('openai', 'POST', '/v1/chat/completions', { ...chatBody, response_format: fmt })).choices[0].message.content;
    expect(Object.keys(JSON.parse(content))).toEqual(expect.arrayContaining(['city', 'unit', 'days']));
    const cut = json(mock('openai', 'POST', '/v1/chat/completions', { ...chatBody, max_completion_tokens: 3 }));
    expect(cut.choices[0].finish_reason).toBe('length');
    expect(cut.usage.completion_tokens).toBeLessThanOrEqual(3);
  });

  it('responses: whole and streamed agree, with the full event grammar', () => {
    const req = { model: 'gpt-4o', input: 'Tell me a joke', instructions: 'be brief' };
    const whole = json(mock('openai', 'POST', '/v1/responses', req));
    expect(whole).toMatchObject({
      object: 'response',
      status: 'completed',
      instructions: 'be brief',
      output: [{ type: 'message', role: 'assistant' }],
    });
    const text = whole.output[0].content[0].text;
    const evs = events(mock('openai', 'POST', '/v1/responses', { ...req, stream: true }));
    expect(evs.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...evs.filter((e) => e.event === 'response.output_text.delta').map(() => 'response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    evs.forEach((e, i) => expect(e.json).toMatchObject({ type: e.event, sequence_number: i }));
    expect(
      evs
        .filter((e) => e.event === 'response.output_text.delta')
        .map((e) => e.json.delta)
        .join(''),
    ).toBe(text);
    expect(evs.at(-1)!.json.response.output[0].content[0].text).toBe(text);
  });

  it('responses: forced function call streams argument deltas', () => {
    const req = {
      model: 'gpt-4o',
      input: [{ role: 'user', content: 'weather?' }],
      tools: [{ type: 'function', name: 'w', parameters: weather }],
      tool_choice: 'required',
      stream: true,
    };
    const evs = events(mock('openai', 'POST', '/v1/responses', req));
    const done = evs.find((e) => e.event === 'response.function_call_arguments.done')!.json;
    const deltas = evs.filter((e) => e.event === 'response.function_call_arguments.delta').map((e) => e.json.delta);
    expect(deltas.join('')).toBe(done.arguments);
    expect(evs.at(-1)!.json.response.output[0]).toMatchObject({ type: 'function_call', name: 'w', arguments: done.arguments });
  });

  it('embeddings: float and base64 encode the same deterministic unit vectors', () => {
    const req = { model: 'text-embedding-3-small', input: ['alpha beta', 'gamma'], dimensions: 64 };
    const floats = json(mock('openai', 'POST', '/v1/embeddings', req));
    const b64 = json(mock('openai', 'POST', '/v1/embeddings', { ...req, encoding_format: 'base64' }));
    expect(floats.data).toHaveLength(2);
    const vector: number[] = floats.data[0].embedding;
    expect(vector).toHaveLength(64);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 4);
    const bytes = Buffer.from(b64.data[0].embedding, 'base64');
    const decoded = Array.from({ length: 64 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded).toEqual(vector.map((v) => Math.fround(v)));
    expect(json(mock('openai', 'POST', '/v1/embeddings', { model: 'text-embedding-3-small', input: 'x' })).data[0].embedding).toHaveLength(
      1536,
    );
  });

  it('embeddings: texts sharing words are closer than unrelated ones', () => {
    const vec = (input: string): number[] =>
      json(mock('openai', 'POST', '/v1/embeddings', { model: 'e', input, dimensions: 256 })).data[0].embedding;
    const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
    const q = vec('how do I reset my password');
    expect(dot(q, vec('reset your password from settings'))).toBeGreaterThan(dot(q, vec('bananas are yellow fruit')));
  });

  it('models: list and retrieve', () => {
    const list = json(mock('openai', 'GET', '/v1/models'));
    expect(list.object).toBe('list');
    expect(list.data[0]).toMatchObject({ object: 'model' });
    expect(json(mock('openai', 'GET', '/v1/models/ft:gpt-4o:me'))).toMatchObject({ id: 'ft:gpt-4o:me', object: 'model' });
  });
});
