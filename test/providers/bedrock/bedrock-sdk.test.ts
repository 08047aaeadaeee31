// AWS Bedrock Runtime through the proxy with the real AWS SDK (issue 21): Converse, ConverseStream
// and InvokeModelWithResponseStream record in live against a fake Bedrock that checks SigV4
// signatures for its own host, replay in golden byte for byte with the upstream shut down, and a
// changed request gets a miss the SDK shows as a Bedrock error with our message.
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/open-store.js';
import type { Interaction } from '../../../src/types.js';
import { tempStore, useCleanup } from '../../helpers/cleanup.js';
import { startProxy } from '../../helpers/proxy.js';
import { startFakeBedrock, streamBody } from './fake-bedrock.js';

useCleanup();

const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';
const PROXY_KEYS = { AWS_ACCESS_KEY_ID: 'AKIAPROXYEXAMPLE0001', AWS_SECRET_ACCESS_KEY: 'proxy-secret-never-stored' };
const saved: Record<string, string | undefined> = {};

beforeEach(() => {
  for (const [k, v] of Object.entries(PROXY_KEYS)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

/** The SDK as a SUT configures it for the proxy: its own (made-up) keys, plain HTTP/1.1. */
function client(url: string, accessKeyId = 'AKIACLIENTEXAMPLE001'): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    region: 'us-east-1',
    endpoint: `${url}/bedrock`,
    credentials: { accessKeyId, secretAccessKey: 'client-secret-never-stored' },
    requestHandler: new NodeHttpHandler(),
    maxAttempts: 1,
  });
}

const ask = (text: string) => ({ modelId: MODEL, messages: [{ role: 'user' as const, content: [{ text }] }] });

async function collect(stream: AsyncIterable<unknown> | undefined): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const e of stream ?? []) out.push(e);
  return out;
}

async function readAll(store: string): Promise<Interaction[]> {
  const s = await openStore(store, { readonly: true });
  try {
    const out: Interaction[] = [];
    for await (const i of await s.interactions()) out.push(i);
    return out;
  } finally {
    await s.close();
  }
}

async function talk(c: BedrockRuntimeClient) {
  const whole = await c.send(new ConverseCommand(ask('Say hello')));
  const streamed = await c.send(new ConverseStreamCommand(ask('Weather in Paris?')));
  const events = await collect(streamed.stream);
  const invoked = await c.send(
    new InvokeModelWithResponseStreamCommand({
      modelId: MODEL,
      contentType: 'application/json',
      body: JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] }),
    }),
  );
  const chunks = (await collect(invoked.body)).map((e: any) => JSON.parse(Buffer.from(e.chunk.bytes).toString('utf8')));
  return { whole: { output: whole.output, stopReason: whole.stopReason, usage: whole.usage }, events, chunks };
}

describe('Bedrock Runtime with the AWS SDK', () => {
  it('records in live (re-signed for the upstream), replays in golden byte for byte offline, and misses in Bedrock shape', async () => {
    const store = tempStore();
    const upstream = await startFakeBedrock({ [PROXY_KEYS.AWS_ACCESS_KEY_ID]: PROXY_KEYS.AWS_SECRET_ACCESS_KEY });
    const live = await startProxy({ mode: 'live', store, episode: 'bedrock-sdk', upstream: [`bedrock=${upstream.url}`] });
    const recorded = await talk(client(live.url));
    await live.stop();

    // The upstream saw our proxy's signature, valid for its own host, never the client's.
    expect(upstream.signatures).toEqual([0, 1, 2].map(() => ({ ok: true, accessKeyId: PROXY_KEYS.AWS_ACCESS_KEY_ID })));
    expect(upstream.requests[0]?.path).toBe('/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse');
    expect(recorded.whole.output?.message?.content?.[0]?.text).toBe('Hello! How can I help you today?');
    expect(recorded.events.at(-1)).toMatchObject({ metadata: { usage: { inputTokens: 391, outputTokens: 64 } } });
    expect(recorded.chunks.map((c) => c.type)).toContain('message_stop');

    // Stored: per-message raw bytes, assembled text, tool call, usage and cost; no secret anywhere.
    const interactions = await readAll(store);
    expect(interactions.map((i) => [i.family, i.request.path])).toEqual([
      ['bedrock', '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse'],
      ['bedrock', '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream'],
      ['bedrock', '/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke-with-response-stream'],
    ]);
    const [whole, streamed, invoked] = interactions;
    expect(whole?.assembled).toMatchObject({ text: 'Hello! How can I help you today?', finishReason: 'end_turn' });
    expect(streamed?.response.stream?.format).toBe('aws-eventstream');
    expect(streamed?.response.stream?.events.map((e) => Buffer.from(e.raw, 'base64'))).toEqual(streamBody('converse-stream-tool-use'));
    expect(streamed?.assembled).toMatchObject({
      text: 'Let me check the weather.',
      toolCalls: [{ id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q', name: 'get_weather', arguments: { city: 'Paris' } }],
      finishReason: 'tool_use',
      usage: { inputTokens: 391, outputTokens: 64 },
    });
    expect(streamed?.costUsd).toBeCloseTo((391 * 0.25 + 64 * 1.25) / 1e6, 12);
    expect(invoked?.assembled).toMatchObject({ text: 'Hi there!', finishReason: 'end_turn', usage: { inputTokens: 14, outputTokens: 5 } });
    const stored = JSON.stringify(interactions);
    for (const secret of ['proxy-secret', 'client-secret', 'AKIACLIENT', 'AKIAPROXY', 'AWS4-HMAC-SHA256'])
      expect(stored).not.toContain(secret);

    // Golden, upstream gone: the same answers (other client keys, other signatures), no connection out.
    await upstream.stop();
    const connectionsBefore = upstream.connections;
    const golden = await startProxy({ mode: 'golden', store, episode: 'bedrock-sdk', upstream: [`bedrock=${upstream.url}`] });
    const replayed = await talk(client(golden.url, 'AKIAOTHERCLIENTKEY01'));
    expect(replayed).toEqual(recorded);
    expect(upstream.connections).toBe(connectionsBefore);

    // A changed request: a miss the SDK raises as a Bedrock exception carrying our explanation.
    const miss = await client(golden.url)
      .send(new ConverseCommand(ask('Say goodbye')))
      .then(
        () => undefined,
        (err: unknown) => err as { name: string; message: string; $metadata: { httpStatusCode?: number } },
      );
    expect(miss?.name).toBe('ResourceNotFoundException');
    expect(miss?.$metadata.httpStatusCode).toBe(404);
    expect(miss?.message).toMatch(/Nearest recording: step 1/);
    await golden.stop();
  });
});
