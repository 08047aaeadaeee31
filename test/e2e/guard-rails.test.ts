// Operations and safety (SPEC §9, docs/operations.md): --allow-upstream, --max-requests,
// --max-cost and --auth-token refuse in the provider's own error shape without the SDKs retrying;
// chaos faults are deterministic per seed, globally and per episode; /__cassette/metrics is valid
// Prometheus text counting outcomes per provider (control requests left out); SIGTERM during a
// live stream exits 0 with an intact store whose cut interaction is incomplete and never served;
// and the cost ledger (`stats --json`, the golden `run` summary) adds up the provider-reported
// usage at the price table.
import { request as httpRequest } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_PRICES } from '../../src/providers/prices.js';
import { tempDir, tempStore, useCleanup } from '../helpers/cleanup.js';
import { corpus, responseText, splitSseEvents, sseJson } from '../helpers/corpus.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import type { FakeUpstream } from '../helpers/fake-upstream.js';
import { runCli, spawnCli, startProxy } from '../helpers/proxy.js';
import type { TestProxy } from '../helpers/proxy.js';
import { errorOf, rawRequest, settle } from '../helpers/record-replay.js';
import { anthropicClient, openaiClient } from '../helpers/sdk.js';

useCleanup();

const CHAT = corpus('openai/chat-completions-basic.json');
const CLAUDE = corpus('anthropic/messages-basic.json');
const CHAT_STREAM = corpus('openai/chat-completions-stream-include-usage.json');
const CLAUDE_STREAM = corpus('anthropic/messages-stream-basic.json');
const question = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'What is 4200 + 42?' }] };
const claudeQuestion = CLAUDE.request.body as { model: string; max_tokens: number; messages: { role: 'user'; content: string }[] };

const bothProviders = (u: FakeUpstream): string[] => [`openai=${u.url}`, `anthropic=${u.url}`];
const corpusUpstream = (): Promise<FakeUpstream> =>
  startFakeUpstream({
    routes: [
      { when: (r) => r.path === '/v1/chat/completions', answer: CHAT },
      { when: (r) => r.path === '/v1/messages', answer: CLAUDE },
    ],
  });

type SdkError = { status: number; headers: Headers; error: any; constructor: { name: string } };

describe('--allow-upstream', () => {
  it('refuses an upstream that is not allowed with 403 in each provider shape, never retried; an allowed one works', async () => {
    const upstream = await corpusUpstream();
    const other = upstream.port === 1 ? 2 : 1;
    const denied = await startProxy({
      mode: 'live',
      store: tempStore(),
      upstream: bothProviders(upstream),
      allowUpstream: [`127.0.0.1:${other}`],
    });

    const oa = errorOf(
      await settle(() => openaiClient(denied, { maxRetries: 2 }).chat.completions.create(question)),
      'openai denied',
    ) as SdkError;
    expect(oa.status).toBe(403);
    expect(oa.constructor.name).toBe('PermissionDeniedError');
    expect(oa.error).toMatchObject({ type: 'cassette_upstream_not_allowed', code: 'cassette_upstream_not_allowed' });
    expect(oa.error.message).toContain(`127.0.0.1:${upstream.port}`);
    expect(oa.headers.get('x-should-retry')).toBe('false');

    const an = errorOf(
      await settle(() => anthropicClient(denied, { maxRetries: 2 }).messages.create(claudeQuestion)),
      'anthropic denied',
    ) as SdkError;
    expect(an.status).toBe(403);
    expect(an.constructor.name).toBe('PermissionDeniedError');
    expect(an.error).toMatchObject({ type: 'error', error: { type: 'cassette_upstream_not_allowed' } });
    expect(an.error.error.message).toContain(`127.0.0.1:${upstream.port}`);

    // Two SDK calls with retries allowed: exactly two refused requests, none went upstream.
    expect(denied.summary()).toMatchObject({ requests: 2, refused: 2, recorded: 0 });
    expect(upstream.connections).toBe(0);

    // A comma-separated list naming the upstream (the flag is repeatable too): allowed.
    const allowed = await startProxy({
      mode: 'live',
      store: tempStore(),
      upstream: bothProviders(upstream),
      allowUpstream: [`127.0.0.1:${other},127.0.0.1:${upstream.port}`],
    });
    expect((await openaiClient(allowed).chat.completions.create(question)).choices[0]?.message.content).toBe('\\(4200 + 42 = 4242\\).');
    expect((await anthropicClient(allowed).messages.create(claudeQuestion)).stop_reason).toBe('end_turn');
    expect(upstream.requests).toHaveLength(2);
  });
});

describe('budgets', () => {
  it('--max-requests 1: the second call gets 402 cassette_budget_exceeded and the SDK (maxRetries 3) does not retry', async () => {
    const upstream = await corpusUpstream();
    const proxy = await startProxy({ mode: 'live', store: tempStore(), upstream: bothProviders(upstream), maxRequests: '1' });
    const client = openaiClient(proxy, { maxRetries: 3 });
    await client.chat.completions.create(question);
    const err = errorOf(await settle(() => client.chat.completions.create(question)), 'over budget') as SdkError;
    expect(err.status).toBe(402);
    expect(err.error).toMatchObject({ type: 'cassette_budget_exceeded', code: 'cassette_budget_exceeded' });
    expect(err.error.message).toContain('--max-requests 1');
    expect(err.headers.get('x-should-retry')).toBe('false');
    expect(upstream.requests).toHaveLength(1);
    expect(proxy.summary()).toMatchObject({ requests: 2, recorded: 1, refused: 1 });

    // Anthropic's shape too, and still nothing more upstream.
    const an = errorOf(
      await settle(() => anthropicClient(proxy, { maxRetries: 3 }).messages.create(claudeQuestion)),
      'anthropic over budget',
    ) as SdkError;
    expect(an.status).toBe(402);
    expect(an.error).toMatchObject({ type: 'error', error: { type: 'cassette_budget_exceeded' } });
    expect(upstream.requests).toHaveLength(1);
    expect(proxy.summary().refused).toBe(2);
  });

  it('--max-cost: once the recorded usage (gpt-4o, priced by the table) exceeds it, the next call is refused', async () => {
    const upstream = await corpusUpstream();
    const proxy = await startProxy({ mode: 'live', store: tempStore(), upstream: bothProviders(upstream), maxCost: '0.0001' });
    const client = openaiClient(proxy, { maxRetries: 3 });
    await client.chat.completions.create(question);
    const usage = JSON.parse(responseText(CHAT)).usage;
    const price = BUILT_IN_PRICES['gpt-4o'] as { input: number; output: number };
    const spent = (usage.prompt_tokens * price.input + usage.completion_tokens * price.output) / 1e6;
    expect(spent).toBeGreaterThan(0.0001);
    expect(proxy.summary().costUsd).toBeCloseTo(spent, 8);

    const err = errorOf(await settle(() => client.chat.completions.create(question)), 'over cost') as SdkError;
    expect(err.status).toBe(402);
    expect(err.error.code).toBe('cassette_budget_exceeded');
    expect(err.error.message).toMatch(/cost budget spent: \$0\.0002 of --max-cost \$0\.0001/);
    expect(upstream.requests).toHaveLength(1);
  });
});

describe('--auth-token', () => {
  it('requires x-cassette-auth (or Proxy-Authorization: Bearer) on proxied and control requests', async () => {
    const upstream = await corpusUpstream();
    const proxy = await startProxy({ mode: 'live', store: tempStore(), upstream: bothProviders(upstream), authToken: 'T0ken' });
    const without = errorOf(
      await settle(() => openaiClient(proxy, { maxRetries: 2 }).chat.completions.create(question)),
      'no token',
    ) as SdkError;
    expect(without.status).toBe(401);
    expect(without.error.code).toBe('unauthorized');
    const wrong = await rawRequest(`${proxy.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cassette-auth': 'nope' },
      body: JSON.stringify(question),
    });
    expect(wrong.status).toBe(401);
    expect(upstream.requests).toHaveLength(0);

    const withToken = new (await import('openai')).default({
      apiKey: 'sk-test',
      baseURL: proxy.baseUrl('openai'),
      maxRetries: 0,
      defaultHeaders: { 'x-cassette-auth': 'T0ken' },
    });
    expect((await withToken.chat.completions.create(question)).id).toBe(JSON.parse(responseText(CHAT)).id);
    // The token never goes upstream.
    expect(upstream.requests[0]?.headers['x-cassette-auth']).toBeUndefined();

    // Health answers without the token (a Docker HEALTHCHECK has none) and reveals nothing.
    expect((await rawRequest(`${proxy.url}/__cassette/stats`)).status).toBe(401);
    expect((await rawRequest(`${proxy.url}/__cassette/health`)).body.toString()).toBe('{"ok":true}');
    expect((await rawRequest(`${proxy.url}/__cassette/health`, { headers: { 'x-cassette-auth': 'T0ken' } })).status).toBe(200);
    expect((await rawRequest(`${proxy.url}/__cassette/stats`, { headers: { 'proxy-authorization': 'Bearer T0ken' } })).status).toBe(200);
  });
});

/** Status and injected fault of `n` mock chat requests, one after another. */
async function faultSequence(proxy: TestProxy, n: number, episode?: string): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await rawRequest(`${proxy.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(episode ? { 'x-cassette-episode': episode } : {}) },
      body: JSON.stringify({ ...question, messages: [{ role: 'user', content: `question ${i}` }] }),
    });
    out.push(`${res.status}${res.headers['x-cassette-fault'] ? `:${res.headers['x-cassette-fault']}` : ''}`);
  }
  return out;
}

const postEpisode = (proxy: TestProxy, body: unknown) =>
  rawRequest(`${proxy.url}/__cassette/episode`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

describe('chaos', () => {
  it('--chaos 1 --chaos-faults 429 in mock mode: every call is a provider-shaped 429 with retry-after', async () => {
    const proxy = await startProxy({ mode: 'mock', chaos: '1', chaosSeed: '1', chaosFaults: '429' });
    for (let i = 0; i < 3; i++) {
      const err = errorOf(await settle(() => openaiClient(proxy).chat.completions.create(question)), 'chaos openai') as SdkError;
      expect(err.status).toBe(429);
      expect(err.constructor.name).toBe('RateLimitError');
      expect(err.error).toMatchObject({ code: 'rate_limit_exceeded' });
      expect(err.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(err.headers.get('x-cassette-fault')).toBe('429');
    }
    const an = errorOf(await settle(() => anthropicClient(proxy).messages.create(claudeQuestion)), 'chaos anthropic') as SdkError;
    expect(an.status).toBe(429);
    expect(an.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(an.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(proxy.summary()).toMatchObject({ requests: 4, faults: 4, forwarded: 0 });
  });

  it('the same seed gives the same faults over 20 requests; another seed another sequence', async () => {
    const flags = { mode: 'mock', chaos: '0.5', chaosFaults: '429,500,529' };
    const [a, b, c] = await Promise.all([
      startProxy({ ...flags, chaosSeed: '7' }),
      startProxy({ ...flags, chaosSeed: '7' }),
      startProxy({ ...flags, chaosSeed: '8' }),
    ]);
    const first = await faultSequence(a, 20);
    const second = await faultSequence(b, 20);
    const third = await faultSequence(c, 20);
    expect(second).toEqual(first);
    expect(third).not.toEqual(first);
    // Rate 0.5 really mixes answers and faults.
    expect(first.filter((s) => s === '200').length).toBeGreaterThan(2);
    expect(first.filter((s) => s !== '200').length).toBeGreaterThan(2);
    for (const s of first) expect(s).toMatch(/^(200|429:429|500:500|529:529)$/);
  });

  it('per-episode chaos via POST /__cassette/episode: an OpenAI client with maxRetries 2 rides out a 429', async () => {
    const proxy = await startProxy({ mode: 'mock' });
    // A seed whose first request faults and whose second does not, found through the proxy itself.
    let seed = -1;
    for (let s = 0; s < 200 && seed < 0; s++) {
      expect((await postEpisode(proxy, { id: 'x', chaos: { rate: 0.5, seed: s, faults: '429' } })).status).toBe(200);
      const seq = await faultSequence(proxy, 2);
      if (seq[0] === '429:429' && seq[1] === '200') seed = s;
    }
    expect(seed).toBeGreaterThanOrEqual(0);

    // Switching to the episode again restarts its sequence.
    await postEpisode(proxy, { id: 'x', chaos: { rate: 0.5, seed, faults: '429' } });
    const before = proxy.summary();
    const answer = await openaiClient(proxy, { maxRetries: 2 }).chat.completions.create(question);
    expect(answer.choices[0]?.message).toBeDefined();
    const after = proxy.summary();
    expect(after.faults - before.faults).toBe(1);
    expect(after.forwarded - before.forwarded).toBe(1);

    // Without retries the same start fails; with chaos off for the episode it does not.
    await postEpisode(proxy, { id: 'x', chaos: { rate: 0.5, seed, faults: '429' } });
    expect((errorOf(await settle(() => openaiClient(proxy).chat.completions.create(question)), 'no retries') as SdkError).status).toBe(429);
    await postEpisode(proxy, { id: 'x', chaos: null });
    expect(await faultSequence(proxy, 3)).toEqual(['200', '200', '200']);
    // Other episodes never had chaos.
    expect(await faultSequence(proxy, 2, 'calm')).toEqual(['200', '200']);
  });
});

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses Prometheus text format 0.0.4 strictly enough to catch malformed output. */
function parsePrometheus(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const helps = new Set<string>();
  expect(text.endsWith('\n')).toBe(true);
  for (const line of text.slice(0, -1).split('\n')) {
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
      expect(m, `comment line: ${line}`).not.toBeNull();
      const [, kind, name, rest] = m as RegExpExecArray;
      if (kind === 'TYPE') {
        expect(rest).toMatch(/^(counter|gauge|histogram|summary|untyped)$/);
        expect(types.has(name as string), `TYPE twice for ${name}`).toBe(false);
        types.set(name as string, rest as string);
      } else helps.add(name as string);
      continue;
    }
    expect(line, `sample line: ${line}`).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? -?[0-9.e+-]+(Inf)?$/);
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line) as RegExpExecArray;
    const labels: Record<string, string> = {};
    if (m[2]) {
      for (const pair of m[2].split(/,(?=[a-zA-Z_])/)) {
        const l = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"$/.exec(pair);
        expect(l, `label ${pair} in ${line}`).not.toBeNull();
        labels[(l as RegExpExecArray)[1] as string] = (l as RegExpExecArray)[2] as string;
      }
    }
    const name = m[1] as string;
    // Every sample belongs to a family declared with TYPE before it (histograms add suffixes).
    const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, '');
    expect(types.has(family), `no TYPE before ${name}`).toBe(true);
    expect(helps.has(family), `no HELP for ${family}`).toBe(true);
    samples.push({ name, labels, value: Number(m[3]) });
  }
  return { samples, types };
}

const sampleValue = (samples: Sample[], name: string, labels: Record<string, string>): number | undefined =>
  samples.find(
    (s) =>
      s.name === name &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v) &&
      Object.keys(s.labels).length === Object.keys(labels).length,
  )?.value;

describe('GET /__cassette/metrics', () => {
  it('is Prometheus text counting hits and misses per provider; control requests are not counted', async () => {
    const upstream = await corpusUpstream();
    const store = tempStore();
    const live = await startProxy({ mode: 'live', store, upstream: bothProviders(upstream) });
    await openaiClient(live).chat.completions.create(question);
    await anthropicClient(live).messages.create(claudeQuestion);
    const liveMetrics = parsePrometheus(await (await fetch(`${live.url}/__cassette/metrics`)).text());
    expect(sampleValue(liveMetrics.samples, 'cassette_requests_total', { provider: 'openai', outcome: 'recorded' })).toBe(1);
    expect(sampleValue(liveMetrics.samples, 'cassette_requests_total', { provider: 'anthropic', outcome: 'recorded' })).toBe(1);
    await live.stop();

    const golden = await startProxy({ mode: 'golden', store });
    await openaiClient(golden).chat.completions.create(question);
    await openaiClient(golden).chat.completions.create(question);
    await settle(() => openaiClient(golden).chat.completions.create({ ...question, model: 'gpt-4o-mini' }));
    await anthropicClient(golden).messages.create(claudeQuestion);
    await settle(() => anthropicClient(golden).messages.create({ ...claudeQuestion, max_tokens: 5 }));
    // Control traffic, including earlier metrics scrapes, is left out.
    for (const path of ['health', 'stats', 'episode', 'metrics', 'metrics'])
      expect((await fetch(`${golden.url}/__cassette/${path}`)).status).toBe(200);

    const res = await fetch(`${golden.url}/__cassette/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const { samples, types } = parsePrometheus(await res.text());
    expect(types.get('cassette_requests_total')).toBe('counter');
    expect(types.get('cassette_request_duration_seconds')).toBe('histogram');
    const requests = samples.filter((s) => s.name === 'cassette_requests_total');
    expect(requests.map((s) => [s.labels.provider, s.labels.outcome, s.value]).sort()).toEqual([
      ['anthropic', 'hit', 1],
      ['anthropic', 'miss', 1],
      ['openai', 'hit', 2],
      ['openai', 'miss', 1],
    ]);
    for (const [provider, count] of [
      ['openai', 3],
      ['anthropic', 2],
    ] as const) {
      expect(sampleValue(samples, 'cassette_request_duration_seconds_count', { provider })).toBe(count);
      expect(sampleValue(samples, 'cassette_request_duration_seconds_bucket', { provider, le: '+Inf' })).toBe(count);
      const buckets = samples
        .filter((s) => s.name === 'cassette_request_duration_seconds_bucket' && s.labels.provider === provider)
        .map((s) => s.value);
      expect(buckets).toEqual([...buckets].sort((x, y) => x - y));
    }
    // Golden saved what the hits would have cost.
    expect(sampleValue(samples, 'cassette_saved_tokens_total', {})).toBeGreaterThan(0);
  });
});

describe('SIGTERM during a live stream', () => {
  it('serve exits 0; the store is intact and holds the cut call as incomplete, which golden never serves', async () => {
    const events = splitSseEvents(responseText(CHAT_STREAM));
    const upstream = await startFakeUpstream(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      for (const e of events.slice(0, 2)) res.write(e);
      // …and never the rest: the stream is still open when the proxy is told to stop.
      await new Promise((resolve) => res.once('close', resolve));
    });
    const dir = tempDir();
    const store = join(dir, 'X.db');
    const cli = spawnCli(
      ['serve', '--json', '--port', '0', '--mode', 'live', '--store', store, '--episode', 'cut', '--upstream', `openai=${upstream.url}`],
      { cwd: dir },
    );
    const ready = JSON.parse(await cli.firstLine());
    const body = CHAT_STREAM.request.body_text as string;

    const client = new Promise<{ received: string; error?: Error }>((resolve) => {
      let received = '';
      const req = httpRequest(
        `${ready.url}/openai/v1/chat/completions`,
        { method: 'POST', headers: { 'content-type': 'application/json' } },
        (res) => {
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            received += chunk;
            if (received.includes('"420"')) cli.child.kill('SIGTERM'); // mid-stream
          });
          res.on('end', () => resolve({ received }));
          res.on('error', (error) => resolve({ received, error }));
        },
      );
      req.on('error', (error) => resolve({ received, error }));
      req.end(body);
    });
    const [exit, got] = await Promise.all([cli.exited, client]);
    expect(exit, cli.stderr()).toEqual({ code: 0, signal: null });
    expect(got.received).toContain('"420"');
    expect(got.received).not.toContain('[DONE]');

    const db = new Database(store, { readonly: true });
    try {
      expect(db.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      const rows = db.prepare('SELECT provider, path, status, complete FROM interactions').all();
      expect(rows).toEqual([{ provider: 'openai', path: '/v1/chat/completions', status: 200, complete: 0 }]);
    } finally {
      db.close();
    }

    const golden = await startProxy({ mode: 'golden', store, episode: 'cut' });
    const replay = await rawRequest(`${golden.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(replay.status).toBe(404);
    expect(replay.headers['x-cassette-miss']).toBe('1');
    expect(golden.summary()).toMatchObject({ hits: 0, misses: 1 });
  });
});

describe('cost ledger', () => {
  it('stats --json sums the provider-reported tokens at the table price; a golden run says what it saved', async () => {
    // Expected figures straight from the corpus bodies.
    const openaiUsage = sseJson(responseText(CHAT_STREAM)).find((c) => c.usage)?.usage;
    const claudeEvents = sseJson(responseText(CLAUDE_STREAM));
    const claudeIn = claudeEvents.find((e) => e.type === 'message_start').message.usage.input_tokens as number;
    const claudeOut = claudeEvents.filter((e) => e.type === 'message_delta').at(-1).usage.output_tokens as number;
    const gpt = BUILT_IN_PRICES['gpt-4o'] as { input: number; output: number };
    const sonnet = BUILT_IN_PRICES['claude-sonnet-4'] as { input: number; output: number };
    expect(openaiUsage.prompt_tokens_details.cached_tokens).toBe(0);
    const inputTokens = openaiUsage.prompt_tokens + claudeIn;
    const outputTokens = openaiUsage.completion_tokens + claudeOut;
    const cost =
      (openaiUsage.prompt_tokens * gpt.input +
        openaiUsage.completion_tokens * gpt.output +
        claudeIn * sonnet.input +
        claudeOut * sonnet.output) /
      1e6;

    // A SUT that sends the two corpus requests as they were sent, through the base-URL variables.
    const dir = tempDir();
    const child = join(dir, 'sut.mjs');
    writeFileSync(
      child,
      `const calls = [
  [process.env.OPENAI_BASE_URL + '/chat/completions', {}, ${JSON.stringify(CHAT_STREAM.request.body_text)}],
  [process.env.ANTHROPIC_BASE_URL + '/v1/messages', { 'anthropic-version': '2023-06-01' }, ${JSON.stringify(CLAUDE_STREAM.request.body_text)}],
];
for (const [url, headers, body] of calls) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  console.error('SUT ' + res.status + ' ' + text.length);
  if (!res.ok) process.exitCode = 2;
}
`,
    );
    const upstream = await startFakeUpstream({
      routes: [
        { when: (r) => r.path === '/v1/chat/completions', answer: CHAT_STREAM },
        { when: (r) => r.path === '/v1/messages', answer: CLAUDE_STREAM },
      ],
    });
    const store = join(dir, 'X.db');
    const live = await runCli(
      [
        'run',
        '--mode',
        'live',
        '--episode',
        'ledger',
        '--store',
        store,
        '--upstream',
        `openai=${upstream.url}`,
        '--upstream',
        `anthropic=${upstream.url}`,
        '--',
        'node',
        child,
      ],
      { cwd: dir },
    );
    expect(live.code, live.stderr).toBe(0);
    expect(live.stderr).toMatch(/2 recorded/);
    await upstream.stop();

    const [stats, golden] = await Promise.all([
      runCli(['stats', '--store', store, '--json'], { cwd: dir }),
      runCli(['run', '--mode', 'golden', '--episode', 'ledger', '--store', store, '--json', '--', 'node', child], { cwd: dir }),
    ]);
    expect(stats.code, stats.stderr).toBe(0);
    const report = JSON.parse(stats.stdout);
    expect(report.episodes).toHaveLength(1);
    const ep = report.episodes[0];
    expect(ep).toMatchObject({ episode: 'ledger', calls: 2, inputTokens, outputTokens, cacheReadTokens: 0, cacheWriteTokens: 0 });
    expect(ep.costUsd).toBeCloseTo(cost, 8);
    expect(report.totals).toMatchObject({ calls: 2, inputTokens, outputTokens });
    expect(report.totals.costUsd).toBeCloseTo(cost, 8);

    expect(golden.code, golden.stderr).toBe(0);
    expect(golden.stderr.match(/^SUT 200 \d+$/gm)).toHaveLength(2);
    expect(golden.stderr).toMatch(/cassette golden: 2 requests — 2 hits, 0 misses/);
    expect(golden.stderr).toContain(`saved: 2 calls, ${inputTokens + outputTokens} tokens, $${cost.toFixed(4)} not spent`);
    const summary = JSON.parse(golden.stdout);
    expect(summary).toMatchObject({ mode: 'golden', hits: 2, misses: 0, saved: { calls: 2, tokens: inputTokens + outputTokens } });
    expect(summary.saved.costUsd).toBeCloseTo(cost, 6);
  });
});
