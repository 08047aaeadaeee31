// The proof that a provider module is the only door (issue #12): a provider that exists only in
// this file, with a made-up wire family, its own error shape and its own streamed event format,
// goes through record, golden, miss explanation, chaos, mock and contract inference without a
// line of the product knowing it.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { inferContracts } from '../../src/contract/infer-contract.js';
import { jsonResponse } from '../../src/providers/mock-kit/mock-sse.js';
import type { Provider } from '../../src/providers/provider.js';
import { registerProvider } from '../../src/providers/registry.js';
import { openStore } from '../../src/store/open-store.js';
import type { Interaction } from '../../src/types.js';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { rawRequest } from '../helpers/record-replay.js';

useCleanup();

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Acme streams newline-delimited pieces, then a tally: `{"piece":"Hel"}` ... `{"done":true,"tally":{...}}`. */
function acmePieces() {
  let text = '';
  let tally: { in: number; out: number } | undefined;
  return {
    push(event: { json?: unknown }) {
      const json = event.json;
      if (!isObject(json)) return;
      if (typeof json.piece === 'string') text += json.piece;
      if (isObject(json.tally)) tally = { in: Number(json.tally.in), out: Number(json.tally.out) };
    },
    result() {
      return { text, toolCalls: [], ...(tally ? { usage: { inputTokens: tally.in, outputTokens: tally.out } } : {}) };
    },
  };
}

const acme: Provider = {
  name: 'acme',
  family: 'acme-wire',
  upstream: 'https://api.acme.invalid',
  baseUrlEnv: 'ACME_BASE_URL',
  baseUrlSuffix: '/v2',
  apiKeyHeader: (key) => ['x-acme-key', key],
  ignoredFields: ['trace_label'],
  model: (_path, body) => (isObject(body) && typeof body.engine === 'string' ? body.engine : undefined),
  withModel: (path, body, model) => ({ path, body: isObject(body) ? { ...body, engine: model } : body }),
  isStreamRequest: (_path, _query, body) => isObject(body) && body.stream === true,
  assemblers: { 'acme-pieces': { create: acmePieces, json: () => undefined } },
  assemblerKind: (path) => (path.endsWith('/complete') ? 'acme-pieces' : 'generic'),
  inputIncludesCachedTokens: true,
  prices: { 'rocket-': { input: 1, output: 2 } },
  errorBody: (status, code, message) => ({ fault: { status, code, says: message } }),
  chaosErrorBody: (fault, status, message) => ({ fault: { status, code: `overload-${fault}`, says: message } }),
  mock(ctx) {
    if (ctx.method !== 'POST' || ctx.path !== '/v2/complete') return undefined;
    return jsonResponse({ engine: ctx.body.engine, pieces: [ctx.rng.chars(8, 'abcdef')] });
  },
  mockEndpoints: 'POST /v2/complete',
  contractSchema(route, stream, statusClass, own) {
    if (!own || route !== '/v2/complete' || statusClass !== '2xx' || !stream) return undefined;
    return { name: 'acme-pieces', docs: { '': z.union([z.looseObject({ piece: z.string() }), z.looseObject({ done: z.literal(true) })]) } };
  },
};
registerProvider(acme);

const EPISODE = 'acme-flow';
const ask = (prompt: string) => JSON.stringify({ engine: 'rocket-1', prompt, stream: true, trace_label: 'run-7' });
const STREAM = '{"piece":"Hel"}\n{"piece":"lo"}\n{"done":true,"tally":{"in":7,"out":2}}\n';

async function acmeUpstream() {
  return startFakeUpstream((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'acme-request-id': 'r-1' });
    res.end(STREAM);
  });
}

function post(url: string, body: string) {
  return rawRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
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

describe('a provider defined only in a test', () => {
  it('is routed, recorded, replayed, explained on a miss, shaken by chaos, mocked and inferred', async () => {
    const store = tempStore();
    const upstream = await acmeUpstream();
    const upstreams = [`acme=${upstream.url}`];

    // Record: the answer passes through byte for byte and is stored with the module's family,
    // assembled by its assembler and priced by its price table.
    const live = await startProxy({ mode: 'live', store, episode: EPISODE, upstream: upstreams });
    expect(live.env.ACME_BASE_URL).toBe(`${live.url}/acme/v2`);
    const recorded = await post(`${live.url}/acme/v2/complete`, ask('Say hello'));
    expect(recorded.status).toBe(200);
    expect(recorded.body.toString()).toBe(STREAM);
    await live.stop();
    const [interaction] = await readAll(store);
    expect(interaction).toMatchObject({
      provider: 'acme',
      family: 'acme-wire',
      assembled: { text: 'Hello' },
      usage: { inputTokens: 7, outputTokens: 2 },
      costUsd: 0.000011,
    });
    expect(interaction?.response.stream?.format).toBe('ndjson');

    // Golden: the same question (its ignored field changed) is served from the store.
    const golden = await startProxy({ mode: 'golden', store, episode: EPISODE, upstream: upstreams });
    const hit = await post(`${golden.url}/acme/v2/complete`, ask('Say hello').replace('run-7', 'run-8'));
    expect(hit.status).toBe(200);
    expect(hit.body.toString()).toBe(STREAM);
    expect(upstream.requests).toHaveLength(1);

    // Miss: answered in the module's error shape, naming the nearest recording and what differs.
    const miss = await post(`${golden.url}/acme/v2/complete`, ask('Say goodbye'));
    expect(miss.status).toBe(404);
    expect(miss.headers['x-cassette-miss']).toBe('1');
    const missBody = JSON.parse(miss.body.toString());
    expect(missBody.fault.code).toBe('cassette_miss');
    expect(missBody.fault.says).toMatch(/Nearest recording: step 1 \(POST \/v2\/complete\); differs: .*prompt/);
    await golden.stop();

    // Chaos: the injected fault speaks the module's chaos shape.
    const shaken = await startProxy({ mode: 'golden', store, episode: EPISODE, upstream: upstreams, chaos: '1', chaosFaults: '429' });
    const fault = await post(`${shaken.url}/acme/v2/complete`, ask('Say hello'));
    expect(fault.status).toBe(429);
    expect(fault.headers['x-cassette-fault']).toBe('429');
    expect(JSON.parse(fault.body.toString()).fault).toMatchObject({ status: 429, code: 'overload-429' });
    await shaken.stop();

    // Mock: the module's responder answers; anything else is a 404 in its error shape.
    const mock = await startProxy({ mode: 'mock', store: tempStore() });
    const mocked = await post(`${mock.url}/acme/v2/complete`, ask('Say hello'));
    expect(mocked.status).toBe(200);
    expect(JSON.parse(mocked.body.toString())).toMatchObject({ engine: 'rocket-1', pieces: [expect.any(String)] });
    const unsupported = await rawRequest(`${mock.url}/acme/v2/elsewhere`);
    expect(unsupported.status).toBe(404);
    expect(JSON.parse(unsupported.body.toString()).fault).toMatchObject({ code: 'cassette_mock_unsupported' });
    expect(JSON.parse(unsupported.body.toString()).fault.says).toContain('POST /v2/complete');
    await mock.stop();

    // Contract inference: the endpoint gets the module's built-in schema, and the recording satisfies it.
    const [contract] = inferContracts(await readAll(store));
    expect(contract?.provider).toBe('acme');
    const endpoint = Object.values(contract?.endpoints ?? {})[0];
    expect(endpoint?.schema).toEqual({ name: 'acme-pieces', violations: {} });
  });
});
