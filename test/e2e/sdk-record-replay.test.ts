// Record in live, replay in golden, on SQLite — through the real provider SDKs.
// Each case: live against a fake upstream serving a real recorded answer (A) → upstream stopped →
// golden on the same store (B): A deep-equals B, A is the recorded answer, and the raw golden
// bytes are the recorded bytes, identical across two more golden runs.
import { describe, expect, it } from 'vitest';
import { useCleanup } from '../helpers/cleanup.js';
import { corpus, responseJson } from '../helpers/corpus.js';
import { sendJson } from '../helpers/fake-upstream.js';
import { errorOf, errorShape, expectFaithfulReplay, plain, recordThenReplay, valueOf } from '../helpers/record-replay.js';
import { anthropicClient, geminiClient, openaiClient, openrouterClient } from '../helpers/sdk.js';

useCleanup();

describe('openai SDK', () => {
  it('replays a chat completion exactly as recorded', async () => {
    const recorded = corpus('openai/chat-completions-basic.json');
    const r = await recordThenReplay({
      provider: 'openai',
      upstream: recorded,
      call: (p) => openaiClient(p).chat.completions.create(recorded.request.body as never),
    });
    const a = valueOf(r.live, 'live');
    expect(plain(a)).toEqual(responseJson(recorded));
    expect(plain(valueOf(r.golden, 'golden'))).toEqual(plain(a));
    // The SDK asked for gzip-capable transport; the recorded gzip bytes were decoded once and stored.
    expect(r.upstream.requests[0]?.path).toBe('/v1/chat/completions');
    expectFaithfulReplay(r, [recorded]);
  });

  it('replays parallel tool calls with their ids and arguments', async () => {
    const recorded = corpus('openai/chat-completions-parallel-tool-calls.json');
    const r = await recordThenReplay({
      provider: 'openai',
      upstream: recorded,
      call: (p) => openaiClient(p).chat.completions.create(recorded.request.body as never),
    });
    const a = valueOf(r.live, 'live');
    const calls = a.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((c) => (c.type === 'function' ? JSON.parse(c.function.arguments) : null))).toEqual([
      { password: 'mellon' },
      { password: 'radiance' },
    ]);
    expect(plain(valueOf(r.golden, 'golden'))).toEqual(plain(a));
    expectFaithfulReplay(r, [recorded]);
  });

  it('replays a two-step tool conversation (call, then tool-result follow-up) in order', async () => {
    const first = corpus('openai/chat-completions-parallel-tool-calls.json');
    const followup = corpus('openai/chat-completions-tool-result-followup.json');
    const r = await recordThenReplay({
      provider: 'openai',
      upstream: { queue: [first, followup] },
      call: async (p) => {
        const client = openaiClient(p);
        const one = await client.chat.completions.create(first.request.body as never);
        const two = await client.chat.completions.create(followup.request.body as never);
        return [one, two];
      },
    });
    const [one, two] = valueOf(r.live, 'live');
    expect(one?.choices[0]?.finish_reason).toBe('tool_calls');
    expect(plain(two)).toEqual(responseJson(followup));
    expect(plain(valueOf(r.golden, 'golden'))).toEqual(plain([one, two]));
    expectFaithfulReplay(r, [first, followup]);
  });

  it('replays a Responses API answer, output_text included', async () => {
    const recorded = corpus('openai/responses-basic.json');
    const r = await recordThenReplay({
      provider: 'openai',
      upstream: recorded,
      call: (p) => openaiClient(p).responses.create(recorded.request.body as never),
    });
    const a = valueOf(r.live, 'live');
    expect(a.id).toBe(responseJson(recorded).id);
    expect(a.output_text).toContain('4242');
    const b = valueOf(r.golden, 'golden');
    expect(b.output_text).toBe(a.output_text);
    expect(plain(b)).toEqual(plain(a));
    expectFaithfulReplay(r, [recorded]);
  });

  it('replays float embeddings', async () => {
    const recorded = corpus('openai/embeddings-float.json');
    const r = await recordThenReplay({
      provider: 'openai',
      upstream: recorded,
      call: (p) => openaiClient(p).embeddings.create({ ...(recorded.request.body as object), encoding_format: 'float' } as never),
    });
    const a = valueOf(r.live, 'live');
    expect(a.data[0]?.embedding).toEqual(responseJson(recorded).data[0].embedding);
    expect(plain(valueOf(r.golden, 'golden'))).toEqual(plain(a));
    expectFaithfulReplay(r, [recorded]);
  });

  it('replays base64 embeddings, which the SDK decodes to the same floats', async () => {
    const recorded = corpus('openai/embeddings-base64.json');
    const r = await recordThenReplay({
      provider: 'openai',
      upstream: recorded,
      // No encoding_format: the SDK asks for base64 on the wire and decodes it.
      call: (p) => openaiClient(p).embeddings.create({ model: 'text-embedding-3-small', input: ['Hello, world!'] }),
    });
    expect(r.upstream.requests[0]?.json.encoding_format).toBe('base64');
    const a = valueOf(r.live, 'live');
    const vector = a.data[0]?.embedding ?? [];
    const expected = Array.from(new Float32Array(new Uint8Array(Buffer.from(responseJson(recorded).data[0].embedding, 'base64')).buffer));
    expect(vector).toEqual(expected);
    expect(vector.length).toBeGreaterThan(100);
    expect(plain(valueOf(r.golden, 'golden'))).toEqual(plain(a));
    expectFaithfulReplay(r, [recorded]);
  });

  it('replays GET /v1/models (a body-less request)', async () => {
    const models = {
      object: 'list',
      data: [
        { id: 'gpt-4o', object: 'model', created: 1715367049, owned_by: 'system' },
        { id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' },
      ],
    };
    const r = await recordThenReplay({
      provider: 'openai',
      upstream: (req, res) =>
        req.method === 'GET' && req.path === '/v1/models' ? sendJson(res, 200, models) : sendJson(res, 404, { error: { message: 'no' } }),
      call: async (p) => {
        const ids: string[] = [];
        for await (const m of openaiClient(p).models.list()) ids.push(m.id);
        return ids;
      },
    });
    expect(valueOf(r.live, 'live')).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(valueOf(r.golden, 'golden')).toEqual(['gpt-4o', 'gpt-4o-mini']);
    expect(r.goldenSummary).toMatchObject({ hits: 1, misses: 0 });
    expect(r.rawGolden[0]?.[0]?.body.toString()).toBe(JSON.stringify(models));
  });
});

describe('anthropic SDK', () => {
  it.each([
    ['a basic message', 'anthropic/messages-basic.json'],
    ['tool_use blocks with stop_reason tool_use', 'anthropic/messages-tool-use.json'],
    ['a thinking block with its signature', 'anthropic/messages-thinking.json'],
  ])('replays %s', async (_label, file) => {
    const recorded = corpus(file);
    const r = await recordThenReplay({
      provider: 'anthropic',
      upstream: recorded,
      call: (p) => anthropicClient(p).messages.create(recorded.request.body as never),
    });
    const a = valueOf(r.live, 'live');
    expect(plain(a)).toEqual(responseJson(recorded));
    expect(plain(valueOf(r.golden, 'golden'))).toEqual(plain(a));
    // anthropic-version is part of the key: the raw resend below carries the SDK's value.
    expect(r.upstream.requests[0]?.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expectFaithfulReplay(r, [recorded]);
  });

  it('replays a count_tokens answer', async () => {
    const r = await recordThenReplay({
      provider: 'anthropic',
      upstream: (req, res) =>
        req.path === '/v1/messages/count_tokens' ? sendJson(res, 200, { input_tokens: 14 }) : sendJson(res, 404, {}),
      call: (p) =>
        anthropicClient(p).messages.countTokens({ model: 'claude-sonnet-4-0', messages: [{ role: 'user', content: 'Hello, Claude' }] }),
    });
    expect(plain(valueOf(r.live, 'live'))).toEqual({ input_tokens: 14 });
    expect(plain(valueOf(r.golden, 'golden'))).toEqual({ input_tokens: 14 });
    expect(r.goldenSummary).toMatchObject({ hits: 1, misses: 0 });
  });
});

describe('gemini SDK (@google/genai)', () => {
  it('replays generateContent text', async () => {
    const recorded = corpus('gemini/generate-content-basic.json');
    const r = await recordThenReplay({
      provider: 'gemini',
      upstream: recorded,
      call: (p) => geminiClient(p).models.generateContent({ model: 'gemini-2.5-flash', contents: 'What is 4200 + 42?' }),
    });
    expect(r.upstream.requests[0]?.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    const a = valueOf(r.live, 'live');
    expect(a.text).toBe(responseJson(recorded).candidates[0].content.parts[0].text);
    expect(a.usageMetadata?.thoughtsTokenCount).toBe(25);
    const b = valueOf(r.golden, 'golden');
    expect(b.text).toBe(a.text);
    expect(plain(b)).toEqual(plain(a));
    expectFaithfulReplay(r, [recorded]);
  });

  it('replays parallel function calls with their thought signature', async () => {
    const recorded = corpus('gemini/generate-content-function-call.json');
    const r = await recordThenReplay({
      provider: 'gemini',
      upstream: recorded,
      call: (p) =>
        geminiClient(p).models.generateContent({
          model: 'gemini-2.5-flash',
          contents: 'Please retrieve the secrets associated with each of these passwords: mellon,radiance',
          config: {
            systemInstruction: 'Use parallel tool calling.',
            tools: [
              {
                functionDeclarations: [
                  { name: 'secret_retrieval_tool', description: 'A tool that requires a password to retrieve a secret.' },
                ],
              },
            ],
          },
        }),
    });
    const a = valueOf(r.live, 'live');
    expect(a.functionCalls?.map((c) => c.args)).toEqual([{ password: 'mellon' }, { password: 'radiance' }]);
    expect(a.candidates?.[0]?.content?.parts?.[0]?.thoughtSignature).toMatch(/^CtIC/);
    expect(plain(valueOf(r.golden, 'golden'))).toEqual(plain(a));
    expectFaithfulReplay(r, [recorded]);
  });

  it('replays embedContent (sent as batchEmbedContents)', async () => {
    const recorded = corpus('gemini/batch-embed-contents.json');
    const r = await recordThenReplay({
      provider: 'gemini',
      upstream: recorded,
      call: (p) =>
        geminiClient(p).models.embedContent({
          model: 'gemini-embedding-001',
          contents: 'Some text goes here',
          config: { outputDimensionality: 768 },
        }),
    });
    expect(r.upstream.requests[0]?.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    const a = valueOf(r.live, 'live');
    expect(a.embeddings?.[0]?.values).toEqual(responseJson(recorded).embeddings[0].values);
    expect(a.embeddings?.[0]?.values).toHaveLength(768);
    expect(plain(valueOf(r.golden, 'golden'))).toEqual(plain(a));
    expectFaithfulReplay(r, [recorded]);
  });
});

describe('openrouter through the openai SDK', () => {
  it('replays a chat completion, the upstream path prefix /api kept', async () => {
    const recorded = corpus('openrouter/chat-completions-basic.json');
    const r = await recordThenReplay({
      provider: 'openrouter',
      upstream: recorded,
      upstreamPrefix: '/api',
      call: (p) => openrouterClient(p).chat.completions.create(recorded.request.body as never),
    });
    expect(r.upstream.requests[0]?.path).toBe('/api/v1/chat/completions');
    const a = valueOf(r.live, 'live');
    expect(a.choices[0]?.message.content).toBe('Hello!');
    expect(plain(a)).toEqual(responseJson(recorded));
    expect(plain(valueOf(r.golden, 'golden'))).toEqual(plain(a));
    // OpenRouter pads the body with whitespace while it works: that padding is replayed too.
    expectFaithfulReplay(r, [recorded]);
  });
});

describe('error answers keep their real status, body and SDK error class', () => {
  const openaiCases = [
    ['openai', 'openai/chat-completions-error-401-invalid-api-key.json', 'AuthenticationError', 401],
    ['openai', 'openai/chat-completions-error-404-model-not-found.json', 'NotFoundError', 404],
    ['openai', 'openai/chat-completions-error-400-unsupported-parameter.json', 'BadRequestError', 400],
    ['openrouter', 'openrouter/chat-completions-error-429.json', 'RateLimitError', 429],
  ] as const;

  it.each(openaiCases)('%s %s → %s', async (provider, file, errorClass, status) => {
    const recorded = corpus(file);
    const r = await recordThenReplay({
      provider,
      upstream: recorded,
      ...(provider === 'openrouter' ? { upstreamPrefix: '/api' } : {}),
      call: (p) =>
        (provider === 'openrouter' ? openrouterClient(p) : openaiClient(p)).chat.completions.create(recorded.request.body as never),
    });
    const a = errorShape(errorOf(r.live, 'live'));
    expect(a).toMatchObject({ class: errorClass, status });
    expect(a.body).toEqual(responseJson(recorded).error);
    expect(errorShape(errorOf(r.golden, 'golden'))).toEqual(a);
    expectFaithfulReplay(r, [recorded]);
  });

  it.each([
    ['anthropic/messages-error-401-invalid-api-key.json', 'AuthenticationError', 401],
    ['anthropic/messages-error-404-model-not-found.json', 'NotFoundError', 404],
  ] as const)('anthropic %s → %s', async (file, errorClass, status) => {
    const recorded = corpus(file);
    const r = await recordThenReplay({
      provider: 'anthropic',
      upstream: recorded,
      call: (p) => anthropicClient(p).messages.create(recorded.request.body as never),
    });
    const a = errorShape(errorOf(r.live, 'live'));
    expect(a).toMatchObject({ class: errorClass, status });
    expect(a.body).toEqual(responseJson(recorded));
    expect(errorShape(errorOf(r.golden, 'golden'))).toEqual(a);
    expectFaithfulReplay(r, [recorded]);
  });

  it('gemini 400 API_KEY_INVALID → ApiError 400 with the recorded message', async () => {
    const recorded = corpus('gemini/error-400-api-key-invalid.json');
    const r = await recordThenReplay({
      provider: 'gemini',
      upstream: recorded,
      call: (p) =>
        geminiClient(p).models.generateContent({ model: 'gemini-2.5-flash', contents: 'This should fail with AuthenticationError' }),
    });
    const a = errorShape(errorOf(r.live, 'live'));
    expect(a).toMatchObject({ class: 'ApiError', status: 400 });
    expect(a.message).toContain('API key not valid');
    expect(errorShape(errorOf(r.golden, 'golden'))).toEqual(a);
    expectFaithfulReplay(r, [recorded]);
  });
});
