// Cohere v2 (typed SSE events) and Mistral (OpenAI-like chat, FIM) through their own SDKs
// (issue 21): recorded in live against a fake upstream, replayed in golden byte-identical with the
// upstream shut down; a changed request is a miss the SDK raises as its own error.
import { Mistral } from '@mistralai/mistralai';
import { CohereClientV2, CohereError } from 'cohere-ai';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { useCleanup } from '../helpers/cleanup.js';
import { corpus } from '../helpers/corpus.js';
import { startProxy } from '../helpers/proxy.js';
import type { TestProxy } from '../helpers/proxy.js';
import { errorOf, expectFaithfulReplay, recordThenReplay, settle, valueOf } from '../helpers/record-replay.js';
import { storedInteractions } from '../helpers/stored-interactions.js';

useCleanup();

const cohereAt = (p: TestProxy) => new CohereClientV2({ token: 'co-test-key', environment: p.env.CO_API_URL as string });

async function cohereStream(p: TestProxy, body: Record<string, unknown>, content?: string) {
  const messages = content === undefined ? body.messages : [{ role: 'user', content }];
  const stream = await cohereAt(p).chatStream({ ...body, messages } as never);
  const types: string[] = [];
  let text = '';
  for await (const event of stream) {
    types.push(event.type ?? '');
    if (event.type === 'content-delta') text += event.delta?.message?.content?.text ?? '';
  }
  return { types, text };
}

describe('cohere-ai (v2)', () => {
  it('records a chat stream of typed events and replays it byte-identical', async () => {
    const recorded = corpus('reference/cohere/v2-chat-stream.json');
    const body = recorded.request.body as Record<string, unknown>;
    const r = await recordThenReplay({ provider: 'cohere', upstream: recorded, call: (p) => cohereStream(p, body) });
    const live = valueOf(r.live, 'live');
    expect(live.text).toBe('Hello there!');
    expect(live.types).toEqual(['message-start', 'content-start', 'content-delta', 'content-delta', 'content-end', 'message-end']);
    expect(valueOf(r.golden, 'golden')).toEqual(live);
    expect(r.upstream.requests[0]?.path).toBe('/v2/chat');
    expectFaithfulReplay(r, [recorded]);
    const [stored] = await storedInteractions(r.store);
    expect(stored).toMatchObject({
      provider: 'cohere',
      family: 'cohere',
      assembled: { text: 'Hello there!', finishReason: 'COMPLETE', usage: { inputTokens: 3, outputTokens: 3 } },
    });
    expect(JSON.stringify(stored)).not.toContain('co-test-key');

    const golden = await startProxy({ mode: 'golden', store: r.store, upstream: ['cohere=http://127.0.0.1:9'] });
    const err = errorOf(await settle(() => cohereStream(golden, body, 'Say goodbye')), 'changed request');
    expect(err).toBeInstanceOf(CohereError);
    expect((err as CohereError).statusCode).toBe(404);
    expect(JSON.stringify((err as CohereError).body)).toContain('cassette_miss');
  });

  it('assembles a streamed tool call from its start and delta events', async () => {
    const recorded = corpus('reference/cohere/v2-chat-stream-tool-call.json');
    const r = await recordThenReplay({
      provider: 'cohere',
      upstream: recorded,
      call: (p) => cohereStream(p, recorded.request.body as Record<string, unknown>),
    });
    expect(valueOf(r.golden, 'golden')).toEqual(valueOf(r.live, 'live'));
    expectFaithfulReplay(r, [recorded]);
    const [stored] = await storedInteractions(r.store);
    expect(stored?.assembled).toMatchObject({
      finishReason: 'TOOL_CALL',
      toolCalls: [{ id: 'get_weather_k6rzxdz5c9qp', name: 'get_weather', arguments: { location: 'Toronto' } }],
      extra: { thinking: 'I will look up the weather.' },
    });
  });

  it('replays embed', async () => {
    const recorded = corpus('reference/cohere/v2-embed.json');
    const r = await recordThenReplay({
      provider: 'cohere',
      upstream: recorded,
      call: (p) => cohereAt(p).embed({ model: 'embed-v4.0', texts: ['hello'], inputType: 'search_document', embeddingTypes: ['float'] }),
    });
    const live = valueOf(r.live, 'live');
    expect(live.embeddings.float?.[0]).toHaveLength(4);
    expect(valueOf(r.golden, 'golden')).toEqual(live);
    expectFaithfulReplay(r, [recorded]);
  });
});

const mistralAt = (p: TestProxy) => new Mistral({ apiKey: 'mistral-test-key', serverURL: p.env.MISTRAL_BASE_URL as string });

describe('@mistralai/mistralai', () => {
  it('records a chat stream and replays it byte-identical; a changed request is a miss the SDK raises', async () => {
    const recorded = corpus('reference/mistral/chat-completions-stream.json');
    const ask = async (p: TestProxy, content = 'Say hello') => {
      const stream = await mistralAt(p).chat.stream({ model: 'mistral-small-latest', messages: [{ role: 'user', content }] });
      let text = '';
      for await (const event of stream) {
        const piece = event.data.choices[0]?.delta.content;
        text += typeof piece === 'string' ? piece : '';
      }
      // The SDK stops reading at `[DONE]` and cancels the body: the proxy finishes recording a moment later.
      for (let i = 0; i < 100 && p.summary().recorded + p.summary().hits + p.summary().misses === 0; i++) await sleep(20);
      return text;
    };
    const r = await recordThenReplay({ provider: 'mistral', upstream: recorded, call: (p) => ask(p) });
    expect(valueOf(r.live, 'live')).toBe('Hello!');
    expect(valueOf(r.golden, 'golden')).toBe('Hello!');
    expectFaithfulReplay(r, [recorded]);
    const [stored] = await storedInteractions(r.store);
    expect(stored).toMatchObject({
      provider: 'mistral',
      family: 'mistral',
      assembled: { text: 'Hello!', usage: { inputTokens: 6, outputTokens: 3 } },
    });

    const golden = await startProxy({ mode: 'golden', store: r.store, upstream: ['mistral=http://127.0.0.1:9'] });
    const err = errorOf(await settle(() => ask(golden, 'Say goodbye')), 'changed request') as Error & {
      statusCode?: number;
      body?: string;
    };
    expect(err.statusCode).toBe(404);
    expect(JSON.parse(err.body ?? '{}')).toMatchObject({ object: 'error', code: 'cassette_miss' });
  });

  it('replays a fill-in-the-middle completion', async () => {
    const recorded = corpus('reference/mistral/fim-completions.json');
    const r = await recordThenReplay({
      provider: 'mistral',
      upstream: recorded,
      call: (p) => mistralAt(p).fim.complete({ model: 'codestral-latest', prompt: 'def add(a, b):\n', suffix: '\nprint(add(1, 2))' }),
    });
    expect(valueOf(r.live, 'live').choices?.[0]?.message?.content).toBe('    return a + b');
    expect(valueOf(r.golden, 'golden')).toEqual(valueOf(r.live, 'live'));
    expect(r.upstream.requests[0]?.path).toBe('/v1/fim/completions');
    expectFaithfulReplay(r, [recorded]);
    const [stored] = await storedInteractions(r.store);
    expect(stored?.assembled).toMatchObject({ text: '    return a + b', usage: { inputTokens: 16, outputTokens: 8 } });
  });
});
