// The OpenAI-compatible vendors as built-ins (issue 21): each is routed at its own prefix without
// configuration, goes to its real host's path layout, and keeps its stream quirks (Groq's `x_groq`
// usage, DeepSeek's and xAI's `reasoning_content`, Perplexity's citations and cost, Cerebras'
// `time_info`). Real clients record in live against a fake upstream, replay in golden
// byte-identical with the upstream shut down, and a changed request is a miss the SDK surfaces.
import Groq from 'groq-sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { corpus, sseJson } from '../helpers/corpus.js';
import type { CorpusInteraction } from '../helpers/corpus.js';
import { startProxy } from '../helpers/proxy.js';
import type { TestProxy } from '../helpers/proxy.js';
import { errorOf, expectFaithfulReplay, recordThenReplay, settle, valueOf } from '../helpers/record-replay.js';
import { storedInteractions } from '../helpers/stored-interactions.js';

useCleanup();

/** Streams a chat completion with the `openai` package and returns its text. */
async function streamedText(client: OpenAI, body: unknown): Promise<string> {
  const stream = await client.chat.completions.create({ ...(body as object), stream: true } as never);
  let text = '';
  for await (const chunk of stream as unknown as AsyncIterable<{ choices: { delta?: { content?: string } }[] }>) {
    text += chunk.choices[0]?.delta?.content ?? '';
  }
  return text;
}

function openaiAt(baseURL: string): OpenAI {
  return new OpenAI({ apiKey: 'sk-vendor-test', baseURL, maxRetries: 0 });
}

interface VendorCase {
  name: string;
  file: string;
  /** The base URL a SUT gives the `openai` package, below the proxy URL. */
  sdkBase: string;
  /** Path prefix of the vendor's upstream (Fireworks' `/inference`). */
  upstreamPrefix?: string;
  /** The path the vendor's host receives. */
  upstreamPath: string;
  /** What the stored, assembled answer must hold. */
  assembled: Record<string, unknown>;
}

const CASES: VendorCase[] = [
  {
    name: 'groq',
    file: 'groq/chat-completions-stream.json',
    sdkBase: '/groq/openai/v1',
    upstreamPath: '/openai/v1/chat/completions',
    assembled: { usage: { inputTokens: 12, outputTokens: 24 } },
  },
  {
    name: 'deepseek',
    file: 'deepseek/chat-completions-stream.json',
    sdkBase: '/deepseek',
    upstreamPath: '/chat/completions',
    assembled: { usage: { inputTokens: 5, outputTokens: 11 } },
  },
  {
    name: 'xai',
    file: 'reference/xai/chat-completions-stream-reasoning.json',
    sdkBase: '/xai/v1',
    upstreamPath: '/v1/chat/completions',
    assembled: {
      text: '101 × 3 = 303',
      extra: { thinking: '101 times 3 is 303.' },
      usage: { inputTokens: 14, outputTokens: 9, cacheReadTokens: 6, reasoningTokens: 108 },
    },
  },
  {
    name: 'fireworks',
    file: 'reference/fireworks/chat-completions-stream.json',
    sdkBase: '/fireworks/v1',
    upstreamPrefix: '/inference',
    upstreamPath: '/inference/v1/chat/completions',
    assembled: { text: 'Hi there!', usage: { inputTokens: 12, outputTokens: 4 } },
  },
  {
    name: 'cerebras',
    file: 'reference/cerebras/chat-completions-stream.json',
    sdkBase: '/cerebras/v1',
    upstreamPath: '/v1/chat/completions',
    assembled: { text: 'Hi!', finishReason: 'stop', usage: { inputTokens: 12, outputTokens: 3 } },
  },
  {
    name: 'perplexity',
    file: 'reference/perplexity/chat-completions-stream-citations.json',
    sdkBase: '/perplexity',
    upstreamPath: '/chat/completions',
    assembled: {
      text: 'Mount Everest is 8,849 m tall [1][2].',
      usage: { inputTokens: 9, outputTokens: 18, reportedCostUsd: 0.005 },
      extra: { citations: ['https://en.wikipedia.org/wiki/Mount_Everest', 'https://www.britannica.com/place/Mount-Everest'] },
    },
  },
];

function expectedText(recorded: CorpusInteraction): string {
  return sseJson(recorded.response.body_text ?? '')
    .map((c) => c.choices?.[0]?.delta?.content ?? '')
    .join('');
}

describe('OpenAI-compatible vendors through the openai package', () => {
  it.each(CASES)('$name: records a stream at its own prefix and replays it byte-identical', async (c) => {
    const recorded = corpus(c.file);
    const body = recorded.request.body as Record<string, unknown>;
    const r = await recordThenReplay({
      provider: c.name,
      upstream: recorded,
      ...(c.upstreamPrefix ? { upstreamPrefix: c.upstreamPrefix } : {}),
      call: (p) => streamedText(openaiAt(`${p.url}${c.sdkBase}`), body),
    });
    const live = valueOf(r.live, 'live');
    expect(live).toBe(expectedText(recorded));
    expect(valueOf(r.golden, 'golden')).toBe(live);
    expect(r.upstream.requests[0]?.path).toBe(c.upstreamPath);
    expectFaithfulReplay(r, [recorded]);

    const [stored] = await storedInteractions(r.store);
    expect(stored).toMatchObject({ provider: c.name, family: 'openai', assembled: c.assembled });
    // The key never holds the SDK's bearer token.
    expect(JSON.stringify(stored)).not.toContain('sk-vendor-test');

    // A changed request is a miss in the OpenAI error shape, surfaced by the SDK, not retried.
    const golden = await startProxy({ mode: 'golden', store: r.store, upstream: [`${c.name}=http://127.0.0.1:9`] });
    const miss = await settle(() =>
      streamedText(openaiAt(`${golden.url}${c.sdkBase}`), { ...body, messages: [{ role: 'user', content: 'Something else' }] }),
    );
    const err = errorOf(miss, 'changed request') as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.code).toBe('cassette_miss');
    expect(err.message).toContain('Nearest recording');
  });

  it('serves every vendor without configuration and names its base-URL variable', async () => {
    const proxy = await startProxy({ mode: 'golden', store: tempStore() });
    expect(proxy.env).toMatchObject({
      GROQ_BASE_URL: `${proxy.url}/groq`,
      DEEPSEEK_BASE_URL: `${proxy.url}/deepseek`,
      XAI_BASE_URL: `${proxy.url}/xai/v1`,
      TOGETHER_BASE_URL: `${proxy.url}/together/v1`,
      FIREWORKS_BASE_URL: `${proxy.url}/fireworks/v1`,
      CEREBRAS_BASE_URL: `${proxy.url}/cerebras`,
      PERPLEXITY_BASE_URL: `${proxy.url}/perplexity`,
    });
  });
});

describe('groq-sdk', () => {
  it('records and replays a stream through GROQ_BASE_URL, usage read from x_groq', async () => {
    const recorded = corpus('groq/chat-completions-stream.json');
    const body = recorded.request.body as Record<string, unknown>;
    const ask = async (p: TestProxy, content = 'Hello!') => {
      const groq = new Groq({ apiKey: 'gsk_test', baseURL: p.env.GROQ_BASE_URL, maxRetries: 0 });
      const stream = await groq.chat.completions.create({ ...body, messages: [{ role: 'user', content }], stream: true } as never);
      let text = '';
      let usage: unknown;
      for await (const chunk of stream as unknown as AsyncIterable<{
        choices: { delta?: { content?: string } }[];
        x_groq?: { usage?: unknown };
      }>) {
        text += chunk.choices[0]?.delta?.content ?? '';
        usage = chunk.x_groq?.usage ?? usage;
      }
      return { text, usage };
    };
    const r = await recordThenReplay({ provider: 'groq', upstream: recorded, call: (p) => ask(p) });
    const live = valueOf(r.live, 'live');
    expect(live.text).toBe(expectedText(recorded));
    expect(live.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 24 });
    expect(valueOf(r.golden, 'golden')).toEqual(live);
    expect(r.upstream.requests[0]?.path).toBe('/openai/v1/chat/completions');
    expectFaithfulReplay(r, [recorded]);

    const golden = await startProxy({ mode: 'golden', store: r.store, upstream: ['groq=http://127.0.0.1:9'] });
    const err = errorOf(await settle(() => ask(golden, 'Goodbye!')), 'changed request') as InstanceType<typeof Groq.APIError>;
    expect(err).toBeInstanceOf(Groq.NotFoundError);
    expect(err.message).toContain('cassette_miss');
  });
});

describe('together (whole JSON answer)', () => {
  it('replays a pretty-printed chat completion with its vendor fields', async () => {
    const recorded = corpus('together/chat-completions-basic.json');
    const r = await recordThenReplay({
      provider: 'together',
      upstream: recorded,
      call: (p) => openaiAt(p.env.TOGETHER_BASE_URL as string).chat.completions.create(recorded.request.body as never),
    });
    expect(valueOf(r.live, 'live').choices[0]?.message.content).toContain('4242');
    expect(r.upstream.requests[0]?.path).toBe('/v1/chat/completions');
    expectFaithfulReplay(r, [recorded]);
  });
});
