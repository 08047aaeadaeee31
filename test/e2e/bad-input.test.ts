// Bad input gets a clear JSON error and loses nothing (SPEC §9): malformed bodies are forwarded
// as they are and replayed by their bytes, oversized bodies are refused before anything is
// forwarded, upstream refusals and timeouts become 502/504 in the provider's shape, streams cut
// short are never served as golden, and a bad config file stops the CLI with exit code 2 naming
// the key and the file.
import { request as httpRequest } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { tempDir, tempStore, useCleanup } from '../helpers/cleanup.js';
import { corpus, responseText, splitSseEvents } from '../helpers/corpus.js';
import { closedPort, sendJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { runCli, startProxy } from '../helpers/proxy.js';
import { errorOf, rawRequest, settle } from '../helpers/record-replay.js';
import type { RawAnswer } from '../helpers/record-replay.js';
import { anthropicClient, openaiClient } from '../helpers/sdk.js';

useCleanup();

function configFile(content: unknown): string {
  const path = join(tempDir(), 'cassette.config.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const PARSE_ERROR = {
  error: { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error', param: null, code: null },
};

describe('malformed bodies', () => {
  it('are forwarded byte for byte in live and replayed in golden, keyed by their bytes', async () => {
    const upstream = await startFakeUpstream((req, res) => sendJson(res, 400, { ...PARSE_ERROR, echo: req.body.toString('base64') }));
    const store = tempStore();
    const flags = { store, upstream: [`openai=${upstream.url}`] };
    const malformed = Buffer.from('{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}', 'utf8');
    const binary = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x22, 0x80]);
    const post = (url: string, body: Buffer): Promise<RawAnswer> =>
      rawRequest(`${url}/openai/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

    const live = await startProxy({ ...flags, mode: 'live' });
    const liveAnswers = [await post(live.url, malformed), await post(live.url, binary)];
    await live.stop();
    await upstream.stop();
    expect(upstream.requests[0]?.body.equals(malformed)).toBe(true);
    expect(upstream.requests[1]?.body.equals(binary)).toBe(true);
    expect(liveAnswers.map((a) => a.status)).toEqual([400, 400]);

    const golden = await startProxy({ ...flags, mode: 'golden' });
    const replayed = [await post(golden.url, malformed), await post(golden.url, binary)];
    expect(replayed.map((a) => a.status)).toEqual([400, 400]);
    expect(replayed[0]?.body.equals(liveAnswers[0]?.body ?? Buffer.alloc(0))).toBe(true);
    expect(replayed[1]?.body.equals(liveAnswers[1]?.body ?? Buffer.alloc(0))).toBe(true);
    expect(JSON.parse(replayed[1]?.body.toString() ?? '').echo).toBe(binary.toString('base64'));

    // One more space is other bytes: a miss, not the recording.
    const other = await post(golden.url, Buffer.concat([malformed, Buffer.from(' ')]));
    expect(other.status).toBe(404);
    expect(other.headers['x-cassette-miss']).toBe('1');
  });
});

describe('oversized bodies', () => {
  const limitConfig = (): string => configFile({ limits: { maxBodyBytes: 1024 } });

  it('are refused with 413 in the provider shape before anything is forwarded', async () => {
    const upstream = await startFakeUpstream('openai/chat-completions-basic.json');
    const proxy = await startProxy({
      mode: 'live',
      store: tempStore(),
      config: limitConfig(),
      upstream: [`openai=${upstream.url}`, `anthropic=${upstream.url}`],
    });
    const big = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x'.repeat(2048) }] });

    const res = await rawRequest(`${proxy.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(res.status).toBe(413);
    const body = JSON.parse(res.body.toString());
    expect(body.error.type).toBe('body_too_large');
    expect(body.error.message).toMatch(/exceeds the limit of 1024 bytes/);

    const sdk = errorOf(
      await settle(() =>
        anthropicClient(proxy, { maxRetries: 2 }).messages.create({
          model: 'claude-sonnet-4-0',
          max_tokens: 10,
          messages: [{ role: 'user', content: 'y'.repeat(2048) }],
        }),
      ),
      'anthropic',
    ) as any;
    expect(sdk.status).toBe(413);
    expect(sdk.error).toMatchObject({ type: 'error', error: { type: 'body_too_large' } });

    expect(upstream.connections).toBe(0);
    // Still serving, and a body at the limit goes through.
    const atLimit = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: '' }] });
    const padded = atLimit.replace('""', `"${'z'.repeat(1024 - atLimit.length)}"`);
    expect(Buffer.byteLength(padded)).toBe(1024);
    const ok = await rawRequest(`${proxy.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: padded,
    });
    expect(ok.status).toBe(200);
    expect(upstream.requests).toHaveLength(1);
  });

  it('are refused with 413 when streamed without a content-length', async () => {
    const upstream = await startFakeUpstream('openai/chat-completions-basic.json');
    const proxy = await startProxy({ mode: 'live', store: tempStore(), config: limitConfig(), upstream: [`openai=${upstream.url}`] });
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        `${proxy.url}/openai/v1/chat/completions`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      void (async () => {
        for (let i = 0; i < 8 && !req.destroyed; i++) {
          req.write('x'.repeat(512));
          await sleep(5);
        }
        if (!req.destroyed) req.end();
      })().catch(() => undefined);
    });
    expect(status).toBe(413);
    expect(upstream.connections).toBe(0);
  });
});

describe('upstream trouble', () => {
  it('a refused connection is a 502 in the provider shape, and nothing is recorded', async () => {
    const port = await closedPort();
    const store = tempStore();
    const proxy = await startProxy({
      mode: 'live',
      store,
      upstream: [`anthropic=http://127.0.0.1:${port}`, `gemini=http://127.0.0.1:${port}`],
    });
    const err = errorOf(
      await settle(() =>
        anthropicClient(proxy).messages.create({ model: 'claude-sonnet-4-0', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
      ),
      'refused',
    ) as any;
    expect(err.status).toBe(502);
    expect(err.error).toMatchObject({
      type: 'error',
      error: { type: 'upstream_unreachable', message: expect.stringContaining(`127.0.0.1:${port}`) },
    });

    const gemini = await rawRequest(`${proxy.url}/gemini/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"contents":[]}',
    });
    expect(gemini.status).toBe(502);
    expect(JSON.parse(gemini.body.toString())).toMatchObject({ error: { code: 502, status: 'UNAVAILABLE' } });
    expect(proxy.summary()).toMatchObject({ recorded: 0, faults: 2 });
    await proxy.stop();

    const golden = await startProxy({ mode: 'golden', store });
    const after = await rawRequest(`${golden.url}/gemini/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"contents":[]}',
    });
    expect(after.status).toBe(404);
    expect(after.body.toString()).toMatch(/no recordings/);
  });

  it('an upstream that never answers is a 504 after limits.upstreamTimeoutMs', async () => {
    const hung = await startFakeUpstream(() => new Promise<void>(() => undefined));
    const proxy = await startProxy({
      mode: 'live',
      store: tempStore(),
      config: configFile({ limits: { upstreamTimeoutMs: 300 } }),
      upstream: [`openai=${hung.url}`],
    });
    const t0 = performance.now();
    const err = errorOf(
      await settle(() =>
        openaiClient(proxy, { maxRetries: 0 }).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
      ),
      'timeout',
    ) as any;
    const ms = performance.now() - t0;
    expect(err.status).toBe(504);
    expect(err.error).toMatchObject({ type: 'upstream_timeout', code: 'upstream_timeout' });
    expect(err.error.message).toContain(hung.url);
    expect(hung.requests).toHaveLength(1);
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(5_000);
  });
});

describe('streams cut short', () => {
  const recorded = corpus('openai/chat-completions-stream-include-usage.json');
  const events = splitSseEvents(responseText(recorded));
  const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'What is 4200 + 42?' }], stream: true });
  const headers = { 'content-type': 'application/json' };

  async function goldenAnswer(store: string): Promise<RawAnswer> {
    const golden = await startProxy({ mode: 'golden', store });
    return rawRequest(`${golden.url}/openai/v1/chat/completions`, { method: 'POST', headers, body });
  }

  it('an upstream reset mid-stream reaches the client as a cut, and is never served as golden', async () => {
    const upstream = await startFakeUpstream(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(events[0]);
      res.write(events[1]);
      await sleep(20);
      res.socket?.destroy();
    });
    const store = tempStore();
    const live = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
    const cut = await settle(() => rawRequest(`${live.url}/openai/v1/chat/completions`, { method: 'POST', headers, body }));
    expect(cut.ok).toBe(false);
    await live.stop();
    expect(live.summary()).toMatchObject({ faults: 1, recorded: 0 });
    const replay = await goldenAnswer(store);
    expect(replay.status).toBe(404);
    expect(replay.headers['x-cassette-miss']).toBe('1');
  });

  it('a client abort mid-stream is recorded incomplete and never served as golden', async () => {
    const upstream = await startFakeUpstream({ routes: [{ answer: recorded }], eventDelayMs: 30 });
    const store = tempStore();
    const live = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest(`${live.url}/openai/v1/chat/completions`, { method: 'POST', headers }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      req.end(body);
    });
    await sleep(100);
    await live.stop();
    expect(live.summary().recorded).toBe(0);
    const replay = await goldenAnswer(store);
    expect(replay.status).toBe(404);
  });

  it('a stream closed cleanly without its terminator is complete and replayed as recorded', async () => {
    const withoutDone = events.filter((e) => !e.includes('[DONE]'));
    expect(withoutDone).toHaveLength(events.length - 1);
    const upstream = await startFakeUpstream(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      for (const e of withoutDone) res.write(e);
      res.end();
    });
    const store = tempStore();
    const live = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
    const first = await rawRequest(`${live.url}/openai/v1/chat/completions`, { method: 'POST', headers, body });
    expect(first.body.toString()).toBe(withoutDone.join(''));
    await live.stop();
    const replay = await goldenAnswer(store);
    expect(replay.status).toBe(200);
    expect(replay.body.toString()).toBe(withoutDone.join(''));
  });
});

describe('bad configuration', () => {
  it('exits 2 and names the bad key and the file', async () => {
    const cases = [
      { config: { limitz: { maxBodyBytes: 1 } }, expect: ['limitz'] },
      { config: { limits: { maxBodyByte: 5 } }, expect: ['limits', 'maxBodyByte'] },
      { config: { providers: [{ name: 'groq', upstream: 'not a url', family: 'openai' }] }, expect: ['providers[0].upstream'] },
      { config: { providers: [{ name: 'groq', upstream: 'ftp://example.com', family: 'openai' }] }, expect: ['providers[0].upstream'] },
      { config: '{"limits": ', expect: ['not valid JSON'] },
    ];
    const results = await Promise.all(
      cases.map(async (c) => {
        const path = configFile(c.config);
        return { path, c, result: await runCli(['serve', '--port', '0', '--store', tempStore(), '--config', path]) };
      }),
    );
    for (const { path, c, result } of results) {
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(path);
      for (const word of c.expect) expect(result.stderr).toContain(word);
      expect(result.stdout).toBe('');
    }
  });

  it('exits 2 for a missing config file and a bad --upstream URL', async () => {
    const [missing, badUpstream, unknownProvider] = await Promise.all([
      runCli(['serve', '--port', '0', '--config', '/nonexistent/cassette.config.json']),
      runCli(['serve', '--port', '0', '--upstream', 'openai=not-a-url']),
      runCli(['serve', '--port', '0', '--upstream', 'nope=http://127.0.0.1:1']),
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('/nonexistent/cassette.config.json');
    expect(badUpstream.code).toBe(2);
    expect(badUpstream.stderr).toContain('not-a-url');
    expect(unknownProvider.code).toBe(2);
    expect(unknownProvider.stderr).toContain('"nope"');
  });
});
