// Azure OpenAI through the `openai` package's AzureOpenAI client (issue 21): the deployment path
// and the v1 path, `api-key` and Entra bearer tokens never stored, deployment and api-version in
// the key, the per-resource upstream named by AZURE_OPENAI_ENDPOINT or --upstream.
import OpenAI, { AzureOpenAI } from 'openai';
import { describe, expect, it } from 'vitest';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { corpus, responseJson, sseJson } from '../helpers/corpus.js';
import { sendJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import type { TestProxy } from '../helpers/proxy.js';
import { errorOf, expectFaithfulReplay, rawRequest, recordThenReplay, settle, valueOf } from '../helpers/record-replay.js';
import { storedInteractions } from '../helpers/stored-interactions.js';

useCleanup();

const API_KEY = 'azure-key-0123456789abcdef0123456789ab';
const STREAM = 'reference/azure/chat-completions-stream-content-filter.json';

function azureClient(p: TestProxy, o: { apiVersion?: string; token?: boolean } = {}): AzureOpenAI {
  return new AzureOpenAI({
    endpoint: p.env.AZURE_OPENAI_ENDPOINT,
    apiVersion: o.apiVersion ?? '2024-10-21',
    ...(o.token
      ? { azureADTokenProvider: async () => 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJjb2duaXRpdmVzZXJ2aWNlcyJ9.c2lnbmF0dXJl' }
      : { apiKey: API_KEY }),
    maxRetries: 0,
  });
}

async function streamText(client: OpenAI, content = 'Say hello'): Promise<string> {
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content }],
    stream: true,
    stream_options: { include_usage: true },
  });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  return text;
}

describe('Azure OpenAI (AzureOpenAI client)', () => {
  it('records a deployment stream and replays it byte-identical, the api-key never stored', async () => {
    const recorded = corpus(STREAM);
    const r = await recordThenReplay({ provider: 'azure', upstream: recorded, call: (p) => streamText(azureClient(p)) });
    expect(valueOf(r.live, 'live')).toBe('Hello!');
    expect(valueOf(r.golden, 'golden')).toBe('Hello!');
    const sent = r.upstream.requests[0];
    expect(sent?.url).toBe('/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21');
    expect(sent?.headers['api-key']).toBe(API_KEY);
    expectFaithfulReplay(r, [recorded]);

    const [stored] = await storedInteractions(r.store);
    expect(stored).toMatchObject({
      provider: 'azure',
      family: 'azure',
      request: { path: '/openai/deployments/gpt-4o-mini/chat/completions', query: [['api-version', '2024-10-21']] },
      assembled: { text: 'Hello!', finishReason: 'stop', usage: { inputTokens: 9, outputTokens: 2 } },
    });
    expect(JSON.stringify(stored)).not.toContain(API_KEY);
    // The first chunk (empty choices, prompt_filter_results) is replayed as it came.
    expect(sseJson(stored?.response.stream?.events[0]?.raw ?? '')[0]).toMatchObject({
      choices: [],
      prompt_filter_results: [{ prompt_index: 0 }],
    });

    // The api-version is part of the key: another version is a miss the SDK surfaces as a 404.
    const golden = await startProxy({ mode: 'golden', store: r.store, upstream: ['azure=http://127.0.0.1:9'] });
    const err = errorOf(await settle(() => streamText(azureClient(golden, { apiVersion: '2025-04-01-preview' }))), 'other api-version');
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.APIError>).code).toBe('cassette_miss');
    expect((err as Error).message).toMatch(/api-version/);
  });

  it('keeps an Entra bearer token out of the store and replays without one', async () => {
    const recorded = corpus(STREAM);
    const r = await recordThenReplay({ provider: 'azure', upstream: recorded, call: (p) => streamText(azureClient(p, { token: true })) });
    expect(r.upstream.requests[0]?.headers.authorization).toMatch(/^Bearer eyJ/);
    expect(valueOf(r.golden, 'golden')).toBe('Hello!');
    const stored = JSON.stringify(await storedInteractions(r.store));
    expect(stored).not.toContain('eyJhbGciOiJSUzI1NiJ9');
  });

  it('replays the Azure error envelope so the SDK raises its own NotFoundError', async () => {
    const recorded = corpus('reference/azure/chat-completions-error-404-deployment.json');
    const call = (p: TestProxy) =>
      azureClient(p).chat.completions.create({ model: 'missing', messages: [{ role: 'user', content: 'Say hello' }] });
    const r = await recordThenReplay({ provider: 'azure', upstream: recorded, call });
    const live = errorOf(r.live, 'live');
    const golden = errorOf(r.golden, 'golden');
    expect(golden).toBeInstanceOf(OpenAI.NotFoundError);
    expect((golden as InstanceType<typeof OpenAI.APIError>).code).toBe('DeploymentNotFound');
    expect((golden as Error).message).toBe((live as Error).message);
  });

  it('serves the v1 path (/openai/v1/...) with the model in the body', async () => {
    const answer = responseJson(corpus('openai/chat-completions-basic.json'));
    const r = await recordThenReplay({
      provider: 'azure',
      upstream: (_req, res) => sendJson(res, 200, answer),
      call: (p) =>
        new OpenAI({ baseURL: `${p.env.AZURE_OPENAI_ENDPOINT}/openai/v1`, apiKey: API_KEY, maxRetries: 0 }).chat.completions.create({
          model: 'gpt-4o-mini',
          messages: [{ role: 'user', content: 'What is 4200 + 42?' }],
        }),
    });
    expect(r.upstream.requests[0]?.path).toBe('/openai/v1/chat/completions');
    expect(valueOf(r.golden, 'golden')).toEqual(valueOf(r.live, 'live'));
    expect(r.goldenSummary).toMatchObject({ hits: 1, misses: 0 });
  });

  it('takes its upstream from AZURE_OPENAI_ENDPOINT, and says how to set one when there is none', async () => {
    const upstream = await startFakeUpstream(corpus(STREAM));
    const proxy = await startProxy({ mode: 'live', store: tempStore() }, { env: { AZURE_OPENAI_ENDPOINT: upstream.url } });
    // The SUT's variable points at the proxy; the proxy's own named the resource.
    expect(proxy.env.AZURE_OPENAI_ENDPOINT).toBe(`${proxy.url}/azure`);
    expect(await streamText(azureClient(proxy))).toBe('Hello!');
    expect(upstream.requests).toHaveLength(1);

    const unset = await startProxy({ mode: 'live', store: tempStore() });
    const answer = await rawRequest(`${unset.url}/azure/openai/deployments/d/chat/completions?api-version=2024-10-21`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'api-key': API_KEY },
      body: '{"messages":[]}',
    });
    expect(answer.status).toBe(500);
    const body = JSON.parse(answer.body.toString());
    expect(body.error).toMatchObject({ code: 'bad_config' });
    expect(body.error.message).toContain('azure has no upstream');
    expect(answer.body.toString()).toContain('AZURE_OPENAI_ENDPOINT');
  });
});
