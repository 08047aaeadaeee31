// A web page must not drive the proxy (issue 13 items 3 and 17): a Host that does not name this
// machine (DNS rebinding) is refused; control requests from another origin, or not JSON, are
// refused and change nothing; proxied calls from a foreign origin are refused before anything is
// forwarded unless the origin is configured; access-control-* headers are never stored; the
// token is checked in constant time; health answers without the token and says nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOptions } from '../../src/config/load-config.js';
import { tempDir, tempStore, useCleanup } from '../helpers/cleanup.js';
import { sendJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import type { TestProxy } from '../helpers/proxy.js';
import { rawRequest } from '../helpers/record-replay.js';
import type { RawAnswer } from '../helpers/record-replay.js';

useCleanup();

const CHAT = '/openai/v1/chat/completions';
const question = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
const ANSWER = { id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: 'hello' } }] };

const episodeNow = async (proxy: TestProxy): Promise<string> =>
  JSON.parse((await rawRequest(`${proxy.url}/__cassette/episode`)).body.toString()).id;
const postEpisode = (proxy: TestProxy, id: string, headers: Record<string, string>): Promise<RawAnswer> =>
  rawRequest(`${proxy.url}/__cassette/episode`, { method: 'POST', headers, body: JSON.stringify({ id, chaos: { rate: 1 } }) });
const codeOf = (a: RawAnswer): string => a.headers['x-cassette-error'] as string;

function configFile(content: unknown): string {
  const path = join(tempDir(), 'cassette.config.json');
  writeFileSync(path, JSON.stringify(content));
  return path;
}

describe('the control API refuses what a web page can send', () => {
  it('a text/plain POST (a simple cross-site request) is refused and switches nothing', async () => {
    const proxy = await startProxy({ mode: 'golden', store: tempStore() });
    const plain = await postEpisode(proxy, 'evil', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    const none = await postEpisode(proxy, 'evil', {});
    expect(none.status).toBe(415);
    expect(await episodeNow(proxy)).toBe('default');
  });

  it('a request from another origin is refused, even as JSON', async () => {
    const proxy = await startProxy({ mode: 'golden', store: tempStore() });
    const foreign = await postEpisode(proxy, 'evil', { 'content-type': 'application/json', origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(codeOf(foreign)).toBe('origin_not_allowed');
    const crossSite = await rawRequest(`${proxy.url}/__cassette/stats`, { headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.status).toBe(403);
    expect(await episodeNow(proxy)).toBe('default');
  });

  it('JSON without an Origin (test code, the pytest plugin) and same-origin requests (the proxy’s own UI page) work', async () => {
    const proxy = await startProxy({ mode: 'golden', store: tempStore() });
    expect((await postEpisode(proxy, 'from-tests', { 'content-type': 'application/json; charset=utf-8' })).status).toBe(200);
    expect(await episodeNow(proxy)).toBe('from-tests');
    const sameOrigin = await postEpisode(proxy, 'from-ui', { 'content-type': 'application/json', origin: proxy.url });
    expect(sameOrigin.status).toBe(200);
    expect(await episodeNow(proxy)).toBe('from-ui');
    const localhost = proxy.url.replace('127.0.0.1', 'localhost');
    const viaLocalhost = await postEpisode(proxy, 'from-localhost', {
      'content-type': 'application/json',
      host: new URL(localhost).host,
      origin: localhost,
    });
    expect(viaLocalhost.status).toBe(200);
  });
});

describe('the Host must name this machine', () => {
  it('a rebinding Host reads neither stats nor answers, and reaches no upstream', async () => {
    const upstream = await startFakeUpstream((_req, res) => sendJson(res, 200, ANSWER));
    const proxy = await startProxy({ mode: 'live', store: tempStore(), upstream: [`openai=${upstream.url}`] });
    const port = new URL(proxy.url).port;
    const stats = await rawRequest(`${proxy.url}/__cassette/stats`, { headers: { host: `rebound.example:${port}` } });
    expect(stats.status).toBe(403);
    expect(codeOf(stats)).toBe('host_not_allowed');
    const call = await rawRequest(`${proxy.url}${CHAT}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', host: `rebound.example:${port}` },
      body: question,
    });
    expect(call.status).toBe(403);
    expect(upstream.requests).toHaveLength(0);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `app.localhost:${port}`]) {
      expect((await rawRequest(`${proxy.url}/__cassette/stats`, { headers: { host } })).status, host).toBe(200);
    }
  });

  it('a name in allowedHosts (or CASSETTE_ALLOWED_HOSTS) is accepted', async () => {
    const config = configFile({ allowedHosts: ['cassette'] });
    const proxy = await startProxy(
      { mode: 'golden', store: tempStore(), config },
      { env: { CASSETTE_ALLOWED_HOSTS: 'proxy.internal, other' } },
    );
    for (const host of ['cassette:8787', 'proxy.internal', 'OTHER:1']) {
      expect((await rawRequest(`${proxy.url}/__cassette/health`, { headers: { host } })).status, host).toBe(200);
    }
    expect((await rawRequest(`${proxy.url}/__cassette/health`, { headers: { host: 'cassette.evil' } })).status).toBe(403);
  });
});

describe('proxied calls from a web page', () => {
  it('a foreign Origin is refused before anything is forwarded, unless allowedOrigins names it', async () => {
    const upstream = await startFakeUpstream((_req, res) => sendJson(res, 200, ANSWER));
    const ask = (proxy: TestProxy, origin: string): Promise<RawAnswer> =>
      rawRequest(`${proxy.url}${CHAT}`, { method: 'POST', headers: { 'content-type': 'text/plain', origin }, body: question });

    const strict = await startProxy({ mode: 'live', store: tempStore(), upstream: [`openai=${upstream.url}`] });
    const refused = await ask(strict, 'http://evil.example');
    expect(refused.status).toBe(403);
    expect(codeOf(refused)).toBe('origin_not_allowed');
    expect(upstream.requests).toHaveLength(0);
    expect((await ask(strict, strict.url)).status).toBe(200);

    const config = configFile({ allowedOrigins: ['http://localhost:5173'] });
    const open = await startProxy({ mode: 'live', store: tempStore(), config, upstream: [`openai=${upstream.url}`] });
    expect((await ask(open, 'http://localhost:5173')).status).toBe(200);
    expect((await ask(open, 'http://evil.example')).status).toBe(403);
  });

  it('access-control-* headers of an answer are not stored, so replay never grants cross-origin reads', async () => {
    const upstream = await startFakeUpstream((_req, res) =>
      sendJson(res, 200, ANSWER, { 'access-control-allow-origin': '*', 'access-control-expose-headers': 'x-request-id' }),
    );
    const store = tempStore();
    const live = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
    const post = { method: 'POST', headers: { 'content-type': 'application/json' }, body: question };
    expect((await rawRequest(`${live.url}${CHAT}`, post)).status).toBe(200);
    await live.stop();
    const golden = await startProxy({ mode: 'golden', store });
    const replay = await rawRequest(`${golden.url}${CHAT}`, post);
    expect(replay.status).toBe(200);
    expect(Object.keys(replay.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });
});

describe('the auth token', () => {
  it('is compared whole: a prefix, a longer value or another token of the same length is refused', async () => {
    const proxy = await startProxy({ mode: 'golden', store: tempStore(), authToken: 'T0ken-secret' });
    for (const offered of ['T0ken', 'T0ken-secret-and-more', 'T0ken-secreX', '']) {
      expect((await rawRequest(`${proxy.url}/__cassette/stats`, { headers: { 'x-cassette-auth': offered } })).status, offered).toBe(401);
    }
    expect((await rawRequest(`${proxy.url}/__cassette/stats`, { headers: { 'x-cassette-auth': 'T0ken-secret' } })).status).toBe(200);
    expect((await rawRequest(`${proxy.url}/__cassette/stats`, { headers: { 'proxy-authorization': 'Bearer T0ken-secret' } })).status).toBe(
      200,
    );
  });

  it('health answers without the token (Docker HEALTHCHECK) and reveals nothing; with it, the usual fields', async () => {
    const proxy = await startProxy({ mode: 'golden', store: tempStore(), authToken: 'T0ken-secret' });
    const bare = await rawRequest(`${proxy.url}/__cassette/health`);
    expect(bare.status).toBe(200);
    expect(JSON.parse(bare.body.toString())).toEqual({ ok: true });
    const full = await rawRequest(`${proxy.url}/__cassette/health`, { headers: { 'x-cassette-auth': 'T0ken-secret' } });
    expect(JSON.parse(full.body.toString())).toMatchObject({ ok: true, mode: 'golden' });
  });

  it('an empty CASSETTE_AUTH_TOKEN or --auth-token is an error, not "no auth"', async () => {
    await expect(loadOptions({}, { CASSETTE_AUTH_TOKEN: '' }, tempDir())).rejects.toMatchObject({
      code: 'bad_usage',
      message: expect.stringContaining('CASSETTE_AUTH_TOKEN is empty'),
    });
    await expect(loadOptions({ authToken: ' ' }, {}, tempDir())).rejects.toMatchObject({ code: 'bad_usage' });
  });
});
