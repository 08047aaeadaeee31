// Secrets never land on disk or in the logs (SPEC §5, §4 redact): keys planted in every place an
// SDK or a prompt can carry them are recorded through the real CLI in live mode; then every store
// file (.db, -wal, -shm, read as bytes) and the CLI's stderr are searched for each one. The
// provider still got the real key, and golden still matches the redacted recordings.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { collect } from '../../src/store/store.js';
import { verifyStore } from '../../src/store/verify-store.js';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { tinyInteraction } from '../store/fixtures.js';
import { corpus, responseJson } from '../helpers/corpus.js';
import { sendJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import { spawnCli, startProxy } from '../helpers/proxy.js';
import { rawRequest } from '../helpers/record-replay.js';
import { openaiClient } from '../helpers/sdk.js';

useCleanup();

const SECRETS = {
  openaiKey: 'sk-proj-Q7pX2mZ9vB4nK8cL1dF6gH3jR5tY0wEa',
  anthropicKey: 'sk-ant-api03-Zt8Yq1Wv6Ux3Ps9Ro2Nm5Lk4Jh7Gf0Ed-AbCdEfGh',
  geminiKey: 'AIzaSyD4kP9mQ2wE7rT1yU6iO3pA8sD5fG0hJkL',
  queryKey: 'AIzaSyB7nM3bV9cX2zL5kJ8hG1fD4sA6qW0eRtY',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIiwiaWF0IjoxNzAwMDAwMDAwfQ.s3cr3tS1gn4tur3V4lu3xYz',
  inPrompt: 'sk-proj-PromptLeak9Hs7Fd5Ga3Jk1Lq8Zw6Xe4',
  inAnswer: 'sk-ant-api03-AnswerLeak2Bv4Nc6Mx8Lz0Kq1Wj3',
  inHeader: 'sk-proj-HeaderLeak5Tr7Yu9Io1Pa3Sd5Fg7Hj9',
} as const;

/** Every way a secret could be written: whole, and its distinctive last 16 characters. */
function leaks(haystack: string): string[] {
  return Object.entries(SECRETS).flatMap(([name, secret]) =>
    haystack.includes(secret) || haystack.includes(secret.slice(-16)) ? [name] : [],
  );
}

function storeBytes(store: string): { files: string[]; text: string } {
  const dir = dirname(store);
  const files = readdirSync(dir).sort();
  return { files, text: files.map((f) => readFileSync(join(dir, f)).toString('latin1')).join('\n') };
}

const prompt = `Remember this for later: my deploy key is ${SECRETS.inPrompt}. What is 4200 + 42?`;

describe('secrets', () => {
  it('are in no store file and no log line, while the provider gets the real key', async () => {
    const chatAnswer = { ...responseJson(corpus('openai/chat-completions-basic.json')) };
    chatAnswer.choices = [
      { index: 0, finish_reason: 'stop', message: { role: 'assistant', content: `Noted. The key ${SECRETS.inAnswer} is safe with me.` } },
    ];
    const upstream = await startFakeUpstream({
      routes: [
        {
          when: (r) => r.path === '/v1/chat/completions',
          answer: (_req, res) => sendJson(res, 200, chatAnswer, { 'x-echo-token': SECRETS.inHeader }),
        },
        { when: (r) => r.path === '/v1/messages', answer: 'anthropic/messages-basic.json' },
        { when: (r) => r.path.endsWith(':generateContent'), answer: 'gemini/generate-content-basic.json' },
        { when: (r) => r.path === '/api/v1/chat/completions', answer: 'openrouter/chat-completions-basic.json' },
      ],
    });
    const store = tempStore();
    const cli = spawnCli([
      'serve',
      '--json',
      '--port',
      '0',
      '--mode',
      'live',
      '--store',
      store,
      '--verbose',
      '--upstream',
      `openai=${upstream.url}`,
      '--upstream',
      `anthropic=${upstream.url}`,
      '--upstream',
      `gemini=${upstream.url}`,
      '--upstream',
      `openrouter=${upstream.url}/api`,
    ]);
    const ready = JSON.parse(await cli.firstLine()) as { url: string; env: Record<string, string> };

    const openai = new OpenAI({ apiKey: SECRETS.openaiKey, baseURL: ready.env.OPENAI_BASE_URL, maxRetries: 0 });
    const chat = await openai.chat.completions.create(
      { model: 'gpt-4o', messages: [{ role: 'user', content: prompt }] },
      { headers: { 'x-cassette-episode': 'secrets' } },
    );
    // The live client gets the real answer.
    expect(chat.choices[0]?.message.content).toContain(SECRETS.inAnswer);

    // This SDK version sends the key as a bearer token; x-api-key (what older clients send) is added too.
    const anthropic = new Anthropic({
      apiKey: SECRETS.anthropicKey,
      baseURL: ready.env.ANTHROPIC_BASE_URL,
      maxRetries: 0,
      defaultHeaders: { 'x-api-key': SECRETS.anthropicKey },
    });
    await anthropic.messages.create({ model: 'claude-sonnet-4-0', max_tokens: 64, messages: [{ role: 'user', content: prompt }] });

    const gemini = new GoogleGenAI({ apiKey: SECRETS.geminiKey, httpOptions: { baseUrl: ready.env.GOOGLE_GEMINI_BASE_URL } });
    await gemini.models.generateContent({ model: 'gemini-2.5-flash', contents: prompt });

    const byQuery = await rawRequest(
      `${ready.url}/gemini/v1beta/models/gemini-2.5-flash:generateContent?key=${SECRETS.queryKey}&alt=json`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'What is 4200 + 42?' }] }] }),
      },
    );
    expect(byQuery.status).toBe(200);

    const openrouter = new OpenAI({ apiKey: SECRETS.jwt, baseURL: ready.env.OPENROUTER_BASE_URL, maxRetries: 0 });
    await openrouter.chat.completions.create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: prompt }] });

    // The provider received every request exactly as the SUT sent it: real keys, real prompt.
    const [toOpenai, toAnthropic, toGemini, toGeminiByQuery, toOpenrouter] = upstream.requests;
    expect(toOpenai?.headers.authorization).toBe(`Bearer ${SECRETS.openaiKey}`);
    expect(toOpenai?.json.messages[0].content).toBe(prompt);
    expect(toOpenai?.headers['x-cassette-episode']).toBeUndefined();
    expect(toAnthropic?.headers['x-api-key']).toBe(SECRETS.anthropicKey);
    expect(toAnthropic?.headers.authorization).toBe(`Bearer ${SECRETS.anthropicKey}`);
    expect(toGemini?.headers['x-goog-api-key']).toBe(SECRETS.geminiKey);
    expect(toGeminiByQuery?.query).toBe(`key=${SECRETS.queryKey}&alt=json`);
    expect(toOpenrouter?.headers.authorization).toBe(`Bearer ${SECRETS.jwt}`);
    expect(upstream.requests).toHaveLength(5);

    // While the session runs (data in the WAL) ...
    const running = storeBytes(store);
    expect(running.text).toContain('Remember this for later'); // the search does find what was stored
    expect(leaks(running.text)).toEqual([]);

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });

    // ... and after it closed.
    const closed = storeBytes(store);
    expect(closed.files.some((f) => f.endsWith('.db'))).toBe(true);
    expect(closed.text).toContain('Remember this for later');
    expect(leaks(closed.text)).toEqual([]);
    expect(cli.stderr()).toContain('recorded');
    expect(leaks(cli.stderr())).toEqual([]);
    expect(leaks(cli.stdout())).toEqual([]);

    // Redaction happened before matching: golden replays the same requests from the redacted store.
    const golden = await startProxy({ mode: 'golden', store });
    const { data: replayed, response } = await openaiClient(golden, { apiKey: SECRETS.openaiKey, episode: 'secrets' })
      .chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: prompt }] })
      .withResponse();
    // Golden serves the redacted answer (SPEC §4), headers included.
    expect(replayed.choices[0]?.message.content).toBe('Noted. The key <REDACTED> is safe with me.');
    expect(response.headers.get('x-echo-token')).toBe('<REDACTED>');
    const replayedByQuery = await rawRequest(
      `${golden.url}/gemini/v1beta/models/gemini-2.5-flash:generateContent?key=${'AIza' + 'x'.repeat(35)}&alt=json`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'What is 4200 + 42?' }] }] }),
      },
    );
    expect(replayedByQuery.status).toBe(200);
    expect(golden.summary()).toMatchObject({ hits: 2, misses: 0 });
    expect(leaks(golden.logs())).toEqual([]);
  });
});

describe('secrets in the query (issue 13 item 15)', () => {
  for (const name of ['apikey', 'apiKey', 'x-api-key', 'client_secret']) {
    it(`?${name}= is never stored, and golden matches without it`, async () => {
      const secret = 'PlainQuerySecret7Hd9Kq2Lw';
      const upstream = await startFakeUpstream((_req, res) => sendJson(res, 200, { id: 'x', object: 'chat.completion', choices: [] }));
      const store = tempStore();
      const live = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
      const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
      const call = (base: string, value: string) =>
        rawRequest(`${base}/openai/v1/chat/completions?${name}=${value}&alt=json`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
      expect((await call(live.url, secret)).status).toBe(200);
      expect(upstream.requests[0]?.query).toBe(`${name}=${secret}&alt=json`);
      await live.stop();
      expect(storeBytes(store).text).not.toContain(secret);
      const golden = await startProxy({ mode: 'golden', store });
      expect((await call(golden.url, 'AnotherValue')).status).toBe(200);
    });
  }
});

describe('secrets in multipart text parts and in bodies stored as base64 (issue 13 item 15)', () => {
  const key = 'sk-proj-BinaryLeak4Gh8Jk2Lm6Np0Qr3St7Uv';
  /** The store's bytes, plus every base64-stored body decoded (Latin-1): a key hidden by base64 shows there. */
  async function storeWithDecodedBodies(store: string): Promise<string> {
    const s = await openStore(store, { readonly: true });
    try {
      const bodies = (await collect(s.interactions({ includeIncomplete: true }))).flatMap((i) =>
        [i.request.body, i.response.body].flatMap((b) =>
          b?.kind === 'base64' ? [Buffer.from(b.base64, 'base64').toString('latin1')] : [],
        ),
      );
      expect(bodies.length).toBeGreaterThan(0); // the case under test: bodies that are not UTF-8 were recorded
      return `${storeBytes(store).text}\n${bodies.join('\n')}`;
    } finally {
      await s.close();
    }
  }

  it('is redacted in a multipart text field, a Latin-1 request body and a Latin-1 answer; golden still matches', async () => {
    // A Latin-1 answer ("é" is 0xE9, not UTF-8): stored as base64.
    const latin1Answer = Buffer.from(`transcription café, key ${key}\n`, 'latin1');
    const upstream = await startFakeUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1', 'content-length': String(latin1Answer.length) });
      res.end(latin1Answer);
    });
    const store = tempStore();
    const live = await startProxy({ mode: 'live', store, episode: 'binary', upstream: [`openai=${upstream.url}`] });
    const boundary = 'cassette-boundary-7';
    const audio = Buffer.from([0x52, 0x49, 0x46, 0x46, 0x00, 0x01, 0x02, 0xff, 0xfe, 0x00]);
    const multipart = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nvocabulary: ${key}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`),
      audio,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const latin1Request = Buffer.from(`note for café: ${key}`, 'latin1');
    const calls = (base: string) => [
      rawRequest(`${base}/openai/v1/audio/transcriptions`, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        body: multipart,
      }),
      rawRequest(`${base}/openai/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=latin1' },
        body: latin1Request,
      }),
    ];
    for (const answer of await Promise.all(calls(live.url))) expect(answer.status).toBe(200);
    // The provider got the real bytes, the client the real answer.
    expect(upstream.requests.some((r) => r.body.includes(Buffer.from(key)))).toBe(true);
    await live.stop();

    expect(leaksOf(await storeWithDecodedBodies(store), key)).toBe(false);
    const golden = await startProxy({ mode: 'golden', store, episode: 'binary' });
    for (const answer of await Promise.all(calls(golden.url))) expect(answer.status).toBe(200);
    expect(golden.summary()).toMatchObject({ hits: 2, misses: 0 });
    await golden.stop();
    await upstream.stop();
  });

  it('verify finds a credential inside a body stored as base64', async () => {
    const store = tempStore();
    const s = await openStore(store);
    const w = await s.beginTake('planted', 'live');
    const i = tinyInteraction('planted', 1);
    i.response.body = { kind: 'base64', base64: Buffer.from(`caf\xe9 ${key}`, 'latin1').toString('base64') };
    await w.append(i);
    await w.finish();
    await s.close();
    const findings = await verifyStore(store);
    expect(findings.filter((f) => f.kind === 'credential').map((f) => f.where)).toEqual([
      expect.stringContaining('response.body.base64 (decoded)'),
    ]);
  });
});

function leaksOf(haystack: string, secret: string): boolean {
  return haystack.includes(secret) || haystack.includes(secret.slice(-16));
}
