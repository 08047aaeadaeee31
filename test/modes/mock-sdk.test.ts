import Anthropic from '@anthropic-ai/sdk';
import { FunctionCallingConfigMode, GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from './mock-helpers.js';
import { startMockServer } from './mock-helpers.js';

// The real SDKs parse what mock mode serves: if a shape were wrong, they would throw or lose data.
let server: TestServer;
const seen: { method: string; path: string }[] = [];
beforeAll(async () => {
  server = await startMockServer(11, seen);
});
afterAll(async () => {
  await server.close();
});

const weatherSchema = {
  type: 'object' as const,
  properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
  required: ['city', 'unit'],
  additionalProperties: false,
};

describe('openai SDK against mock mode', () => {
  const client = () => new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/openai/v1`, maxRetries: 0 });
  const messages = [{ role: 'user' as const, content: 'Say hello to the cassette' }];

  it('chat.completions.create, with and without stream (include_usage)', async () => {
    const whole = await client().chat.completions.create({ model: 'gpt-4o-mini', messages });
    expect(whole.choices[0]!.message.content).toContain('Say hello to the cassette');
    const stream = await client().chat.completions.create({
      model: 'gpt-4o-mini',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(whole.choices[0]!.message.content);
    expect(usage?.total_tokens).toBe(whole.usage?.total_tokens);
  });

  it('chat stream helper assembles a required tool call', async () => {
    const runner = client().chat.completions.stream({
      model: 'gpt-4o-mini',
      messages,
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: weatherSchema } }],
      tool_choice: 'required',
    });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    expect(call.type === 'function' && call.function.name).toBe('get_weather');
    if (call.type === 'function') expect(JSON.parse(call.function.arguments)).toMatchObject({ city: expect.any(String) });
  });

  it('responses.create and responses.stream', async () => {
    const whole = await client().responses.create({ model: 'gpt-4o', input: 'Write one line' });
    expect(whole.output_text).toContain('Write one line');
    const final = await client().responses.stream({ model: 'gpt-4o', input: 'Write one line' }).finalResponse();
    expect(final.output_text).toBe(whole.output_text);
    expect(final.usage?.output_tokens).toBeGreaterThan(0);
    const called = await client()
      .responses.stream({
        model: 'gpt-4o',
        input: 'Weather?',
        tools: [{ type: 'function', name: 'get_weather', parameters: weatherSchema, strict: true }],
        tool_choice: 'required',
      })
      .finalResponse();
    expect(called.output[0]).toMatchObject({ type: 'function_call', name: 'get_weather', status: 'completed' });
  });

  it('embeddings float, base64 (SDK default decodes it) and models.list', async () => {
    const floats = await client().embeddings.create({
      model: 'text-embedding-3-small',
      input: 'hello',
      encoding_format: 'float',
      dimensions: 32,
    });
    const decoded = await client().embeddings.create({ model: 'text-embedding-3-small', input: 'hello', dimensions: 32 });
    expect(floats.data[0]!.embedding).toHaveLength(32);
    expect(decoded.data[0]!.embedding.map((v) => Math.fround(v))).toEqual(floats.data[0]!.embedding.map((v) => Math.fround(v)));
    const ids: string[] = [];
    for await (const model of client().models.list()) ids.push(model.id);
    expect(ids).toContain('gpt-4o');
  });
});

describe('anthropic SDK against mock mode', () => {
  const client = () => new Anthropic({ apiKey: 'sk-ant-test', baseURL: `${server.url}/anthropic`, maxRetries: 0 });
  const base = { model: 'claude-sonnet-4-0', max_tokens: 512, messages: [{ role: 'user' as const, content: 'Describe a cassette' }] };

  it('messages.create, messages.stream().finalMessage(), countTokens', async () => {
    const whole = await client().messages.create(base);
    const block = whole.content[0]!;
    expect(block.type === 'text' && block.text).toContain('Describe a cassette');
    const streamed = await client().messages.stream(base).finalMessage();
    expect(streamed.content).toEqual(whole.content);
    expect(streamed.usage.output_tokens).toBe(whole.usage.output_tokens);
    expect(streamed.stop_reason).toBe('end_turn');
    const count = await client().messages.countTokens({ model: base.model, messages: base.messages });
    expect(count.input_tokens).toBeGreaterThan(0);
  });

  it('tool_choice any gives a tool_use block, streamed or not', async () => {
    const tools = [{ name: 'get_weather', description: 'weather', input_schema: weatherSchema }];
    const whole = await client().messages.create({ ...base, tools, tool_choice: { type: 'any' } });
    expect(whole.stop_reason).toBe('tool_use');
    expect(whole.content[0]).toMatchObject({ type: 'tool_use', name: 'get_weather', input: { city: expect.any(String) } });
    const streamed = await client()
      .messages.stream({ ...base, tools, tool_choice: { type: 'any' } })
      .finalMessage();
    expect(streamed.content).toEqual(whole.content);
  });
});

describe('@google/genai SDK against mock mode', () => {
  const client = () => new GoogleGenAI({ apiKey: 'x', httpOptions: { baseUrl: `${server.url}/gemini` } });

  it('generateContent, generateContentStream, function calling', async () => {
    const whole = await client().models.generateContent({ model: 'gemini-2.5-flash', contents: 'Name a river' });
    expect(whole.text).toContain('Name a river');
    expect(whole.usageMetadata?.totalTokenCount).toBeGreaterThan(0);
    let text = '';
    for await (const chunk of await client().models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Name a river' })) {
      text += chunk.text ?? '';
    }
    expect(text).toBe(whole.text);
    const called = await client().models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Weather?',
      config: {
        tools: [{ functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: weatherSchema }] }],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } },
      },
    });
    expect(called.functionCalls?.[0]).toMatchObject({ name: 'get_weather', args: { city: expect.any(String) } });
  });

  it('embedContent', async () => {
    const result = await client().models.embedContent({
      model: 'gemini-embedding-001',
      contents: ['one', 'two'],
      config: { outputDimensionality: 16 },
    });
    expect(result.embeddings).toHaveLength(2);
    expect(result.embeddings![0]!.values).toHaveLength(16);
  });

  it('every SDK call reached an endpoint mock mode answers', () => {
    expect(seen.length).toBeGreaterThan(10);
  });
});
