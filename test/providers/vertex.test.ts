// Vertex AI (issue 21): @google/genai in Vertex mode and Claude's rawPredict wire, the OAuth
// bearer never stored, the regional host worked out from the location in the path.
import { GoogleGenAI } from '@google/genai';
import { OAuth2Client } from 'google-auth-library';
import { describe, expect, it } from 'vitest';
import { vertex } from '../../src/providers/vertex/provider.js';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { corpus, responseText } from '../helpers/corpus.js';
import { startProxy } from '../helpers/proxy.js';
import type { TestProxy } from '../helpers/proxy.js';
import { errorOf, expectFaithfulReplay, rawRequest, recordThenReplay, settle, valueOf } from '../helpers/record-replay.js';
import { storedInteractions } from '../helpers/stored-interactions.js';

useCleanup();

const TOKEN = 'ya29.a0AfB_vertex-test-access-token-0123456789';
const PATH = '/v1beta1/projects/demo-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent';

/**
 * @google/genai in Vertex mode without Application Default Credentials: an OAuth2 client holding
 * an unexpired access token, so the SDK never asks Google for one; its base URL is the proxy.
 */
function vertexClient(p: TestProxy): GoogleGenAI {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: TOKEN, expiry_date: Date.now() + 3_600_000 });
  return new GoogleGenAI({
    vertexai: true,
    project: 'demo-project',
    location: 'us-central1',
    googleAuthOptions: { authClient },
    httpOptions: { baseUrl: p.env.GOOGLE_VERTEX_BASE_URL },
  });
}

async function streamText(p: TestProxy, prompt = 'Say hello'): Promise<string> {
  const stream = await vertexClient(p).models.generateContentStream({ model: 'gemini-2.5-flash', contents: prompt });
  let text = '';
  for await (const chunk of stream) text += chunk.text ?? '';
  return text;
}

describe('Vertex AI through @google/genai (vertexai: true)', () => {
  it('records a Gemini stream and replays it byte-identical, the bearer never stored', async () => {
    const recorded = corpus('reference/vertex/stream-generate-content-sse.json');
    const r = await recordThenReplay({ provider: 'vertex', upstream: recorded, call: (p) => streamText(p) });
    expect(valueOf(r.live, 'live')).toBe('Hello there!');
    expect(valueOf(r.golden, 'golden')).toBe('Hello there!');
    expect(r.upstream.requests[0]?.url).toBe(`${PATH}?alt=sse`);
    expect(r.upstream.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expectFaithfulReplay(r, [recorded]);

    const [stored] = await storedInteractions(r.store);
    expect(stored).toMatchObject({
      provider: 'vertex',
      family: 'vertex',
      assembled: { text: 'Hello there!', finishReason: 'STOP', usage: { inputTokens: 3 } },
    });
    expect(JSON.stringify(stored)).not.toContain(TOKEN);

    // A changed prompt is a miss in Google's error shape; the SDK raises it with our message.
    const golden = await startProxy({ mode: 'golden', store: r.store, upstream: ['vertex=http://127.0.0.1:9'] });
    const err = errorOf(await settle(() => streamText(golden, 'Say goodbye')), 'changed prompt') as Error & { status?: number };
    expect(err.status).toBe(404);
    expect(err.message).toContain('cassette_miss');
  });
});

describe('Claude on Vertex (rawPredict)', () => {
  it('records a streamRawPredict answer with the Anthropic assembler and replays it byte-identical', async () => {
    const recorded = corpus('reference/vertex/anthropic-stream-raw-predict.json');
    const path = new URL(recorded.request.url).pathname;
    const send = (p: TestProxy, content = 'Say hello') =>
      rawRequest(`${p.url}/vertex${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ ...(recorded.request.body as object), messages: [{ role: 'user', content }] }),
      });
    const r = await recordThenReplay({ provider: 'vertex', upstream: recorded, call: (p) => send(p) });
    expect(valueOf(r.live, 'live').body.toString()).toBe(responseText(recorded));
    expect(valueOf(r.golden, 'golden').body.toString()).toBe(responseText(recorded));
    expectFaithfulReplay(r, [recorded]);
    const [stored] = await storedInteractions(r.store);
    expect(stored?.assembled).toMatchObject({ text: 'Hello!', finishReason: 'end_turn', usage: { inputTokens: 10, outputTokens: 5 } });

    const golden = await startProxy({ mode: 'golden', store: r.store, upstream: ['vertex=http://127.0.0.1:9'] });
    const miss = await send(golden, 'Say goodbye');
    expect(miss.status).toBe(404);
    expect(JSON.parse(miss.body.toString()).error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
  });
});

describe('the regional upstream', () => {
  it('goes to <location>-aiplatform.googleapis.com, global to the global host, and never rewrites a set upstream', () => {
    const global = new URL('https://aiplatform.googleapis.com');
    const at = (l: string) => `/v1/projects/p/locations/${l}/publishers/google/models/gemini-2.5-flash:generateContent`;
    expect(vertex.upstreamFor?.(global, at('us-east5')).origin).toBe('https://us-east5-aiplatform.googleapis.com');
    expect(vertex.upstreamFor?.(global, at('global')).origin).toBe('https://aiplatform.googleapis.com');
    const local = new URL('http://127.0.0.1:9000');
    expect(vertex.upstreamFor?.(local, at('us-east5'))).toBe(local);
  });

  it('checks the regional host against --allow-upstream before anything is sent', async () => {
    const proxy = await startProxy({ mode: 'live', store: tempStore(), allowUpstream: ['aiplatform.googleapis.com'] });
    const refused = await rawRequest(
      `${proxy.url}/vertex/v1/projects/p/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent`,
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"contents":[]}' },
    );
    expect(refused.status).toBe(403);
    expect(refused.body.toString()).toContain('europe-west4-aiplatform.googleapis.com');
  });
});
