// The record → replay flow every e2e case shares: live against a fake upstream (result A), stop
// the upstream, golden on the same SQLite store (result B), and the raw golden bytes of every
// recorded request from two more golden runs.
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { expect } from 'vitest';
import { tempStore } from './cleanup.js';
import { headerOf, responseText } from './corpus.js';
import type { CorpusInteraction } from './corpus.js';
import { startFakeUpstream } from './fake-upstream.js';
import type { Answer, FakeUpstream, FakeUpstreamOptions, ReceivedRequest } from './fake-upstream.js';
import { startProxy } from './proxy.js';
import type { TestProxy } from './proxy.js';

/** A routing prefix: the four of SPEC §2 or any other built-in (`groq`, `azure`, `vertex`, ...). */
export type ProviderName = 'openai' | 'anthropic' | 'gemini' | 'openrouter' | (string & {});

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export async function settle<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** One HTTP request with node:http (no decompression, no retries): exactly what the server sent. */
export function rawRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawAnswer> {
  // The path is sent as written: a WHATWG URL would resolve `..` and `%2e%2e` segments first.
  const { protocol, host } = new URL(url);
  const origin = `${protocol}//${host}`;
  const path = url.slice(origin.length) || '/';
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Headers that are part of the key (SPEC §4 default allow-list). */
const KEY_HEADERS = ['anthropic-version', 'anthropic-beta', 'openai-beta', 'content-type'];

/** Sends a request the upstream received again, this time to the proxy, byte for byte. */
export function resend(
  proxy: TestProxy,
  provider: ProviderName,
  received: ReceivedRequest,
  opts: { upstreamPrefix?: string; headers?: Record<string, string> } = {},
): Promise<RawAnswer> {
  const path =
    opts.upstreamPrefix && received.path.startsWith(opts.upstreamPrefix) ? received.path.slice(opts.upstreamPrefix.length) : received.path;
  const headers: Record<string, string> = { ...opts.headers };
  for (const h of KEY_HEADERS) {
    const v = received.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  return rawRequest(`${proxy.url}/${provider}${path}${received.query ? `?${received.query}` : ''}`, {
    method: received.method,
    headers,
    body: received.body,
  });
}

export interface RecordReplayCase<T> {
  provider: ProviderName;
  /** What the fake upstream answers. */
  upstream: Answer | FakeUpstreamOptions;
  /** Path prefix of the upstream URL (OpenRouter's `/api`). */
  upstreamPrefix?: string;
  /** The SDK call under test, made once live and once golden. */
  call: (proxy: TestProxy) => Promise<T>;
  /** Extra proxy flags for both runs. */
  flags?: Record<string, unknown>;
}

export interface RecordReplayResult<T> {
  live: Outcome<T>;
  golden: Outcome<T>;
  upstream: FakeUpstream;
  store: string;
  liveSummary: ReturnType<TestProxy['summary']>;
  goldenSummary: ReturnType<TestProxy['summary']>;
  /** [run][request]: raw golden answers to every request the upstream got, from two fresh golden proxies. */
  rawGolden: RawAnswer[][];
}

/** Live (recording) → stop upstream → golden, on one SQLite store in a temp dir. */
export async function recordThenReplay<T>(c: RecordReplayCase<T>): Promise<RecordReplayResult<T>> {
  const store = tempStore();
  const upstream = await startFakeUpstream(c.upstream);
  const upstreamUrl = `${upstream.url}${c.upstreamPrefix ?? ''}`;
  const flags = { store, upstream: [`${c.provider}=${upstreamUrl}`], ...c.flags };

  const liveProxy = await startProxy({ ...flags, mode: 'live' });
  const live = await settle(() => c.call(liveProxy));
  const liveSummary = liveProxy.summary();
  await liveProxy.stop();
  await upstream.stop();

  const goldenProxy = await startProxy({ ...flags, mode: 'golden' });
  const golden = await settle(() => c.call(goldenProxy));
  const goldenSummary = goldenProxy.summary();
  await goldenProxy.stop();

  const rawGolden: RawAnswer[][] = [];
  for (let run = 0; run < 2; run++) {
    const proxy = await startProxy({ ...flags, mode: 'golden' });
    const answers: RawAnswer[] = [];
    for (const received of upstream.requests) answers.push(await resend(proxy, c.provider, received, { upstreamPrefix: c.upstreamPrefix }));
    rawGolden.push(answers);
    await proxy.stop();
  }
  return { live, golden, upstream, store, liveSummary, goldenSummary, rawGolden };
}

/** A JSON-only copy (what crosses the wire), minus `sdkHttpResponse` (Gemini SDK: the raw HTTP headers). */
export function plain(value: unknown): any {
  return JSON.parse(JSON.stringify(value, (k, v: unknown) => (k === 'sdkHttpResponse' ? undefined : v)) ?? 'null');
}

/** What an SDK error amounts to for a caller: its class, status, message and error body. */
export function errorShape(err: unknown): { class: string; status: unknown; message: string; body: unknown } {
  const e = err as { constructor: { name: string }; status?: unknown; message?: string; error?: unknown };
  return { class: e.constructor.name, status: e.status, message: String(e.message), body: plain(e.error ?? null) };
}

/** The value of an outcome, or a test failure naming the error. */
export function valueOf<T>(o: Outcome<T>, label: string): T {
  if (!o.ok) throw new Error(`${label} failed: ${(o.error as Error)?.stack ?? String(o.error)}`);
  return o.value;
}

/** The error of an outcome, or a test failure saying it succeeded. */
export function errorOf(o: Outcome<unknown>, label: string): unknown {
  if (o.ok) throw new Error(`${label} succeeded but should have failed: ${JSON.stringify(o.value).slice(0, 300)}`);
  return o.error;
}

/**
 * The replay was faithful: every recorded request was a golden hit whose raw bytes are the
 * recorded (decoded) bytes with the recorded status and content type, identical across two runs.
 */
export function expectFaithfulReplay(r: RecordReplayResult<unknown>, recorded: CorpusInteraction[]): void {
  expect(r.upstream.requests).toHaveLength(recorded.length);
  expect(r.upstream.unanswered).toEqual([]);
  expect(r.liveSummary.recorded).toBe(recorded.length);
  expect(r.goldenSummary).toMatchObject({ hits: recorded.length, misses: 0, recorded: 0 });
  recorded.forEach((i, n) => {
    const [first, second] = [r.rawGolden[0]?.[n], r.rawGolden[1]?.[n]];
    expect(first?.status).toBe(i.status);
    expect(first?.headers['content-type']).toBe(headerOf(i.response.headers, 'content-type'));
    expect(first?.headers['x-cassette-outcome']).toBe('hit');
    expect(first?.body.toString('utf8')).toBe(responseText(i));
    expect(second?.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true);
  });
}
