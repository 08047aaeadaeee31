// Issue 20's fidelity fix: a request body is stored as the bytes the client sent (secrets replaced
// in place), and every command that resends stored requests (`replay --live`, `contract check
// --live`, `rerecord`) sends exactly those bytes, with their content type and a content-length
// that matches. A fake upstream on 127.0.0.1:0 keeps the bytes it received; the planted secret
// never reaches the store's files.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import type { FakeUpstream } from '../helpers/fake-upstream.js';
import { runCli, startProxy } from '../helpers/proxy.js';
import { freshDatabase } from '../helpers/postgres.js';
import { chatHandler } from '../helpers/sut-child.js';

useCleanup();

const SECRET = 'sk-proj-PlantedSecret0123456789abcdef';
const BEARER = 'PlantedBearerToken0123456789xyz';

/** What a non-JS client may send: its own layout, numbers JS cannot hold, escapes, a trailing newline. */
const SENT = [
  '{',
  '    "model" : "gpt-4o",',
  '\t"seed": 12345678901234567890,',
  '    "temperature": 0.10000000000000000555, "max": 1e400,',
  '    "metadata": { "api_key":',
  `        "${SECRET}", "auth": "Bearer\\n   ${BEARER}" },`,
  '    "messages": [',
  '        {"role": "user", "content": "caf\\u00e9 \\ud83d\\ude00 \\"quoted\\" \\/slash"}',
  '    ]',
  '}',
  '',
].join('\n');
/** The same bytes with the two credentials replaced: what is stored, and what a resend sends. */
const STORED = SENT.replace(`"${SECRET}"`, '"<REDACTED>"').replace(`"Bearer\\n   ${BEARER}"`, '"<REDACTED>"');
const CONTENT_TYPE = 'application/json; charset=utf-8';
const TEXT = 'plain text,\n  indented: café';
const TEXT_TYPE = 'text/plain; charset=utf-8';

async function recordEpisode(store: string, upstream: FakeUpstream): Promise<void> {
  const live = await startProxy({ mode: 'live', store, episode: 'ep', upstream: [`openai=${upstream.url}`] });
  const res = await fetch(`${live.baseUrl('openai')}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': CONTENT_TYPE, authorization: 'Bearer sk-test-key-for-the-upstream' },
    body: SENT,
  });
  expect(res.status).toBe(200);
  await res.arrayBuffer();
  // A text body keeps its bytes and its content type too.
  const text = await fetch(`${live.baseUrl('openai')}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': TEXT_TYPE, authorization: 'Bearer sk-test-key-for-the-upstream' },
    body: TEXT,
  });
  expect(text.status).toBe(200);
  await text.arrayBuffer();
  await live.stop();
  // Live mode forwards what the client sent, secrets and all: that is the provider's request.
  expect(upstream.requests.map((r) => r.text)).toEqual([SENT, TEXT]);
  upstream.requests.length = 0;
}

/** Every request the upstream got since the recording: body as text, content type, content-length. */
function received(upstream: FakeUpstream) {
  return upstream.requests.map((r) => ({ body: r.text, type: r.headers['content-type'], length: Number(r.headers['content-length']) }));
}

const expected = [
  { body: STORED, type: CONTENT_TYPE, length: Buffer.byteLength(STORED) },
  { body: TEXT, type: TEXT_TYPE, length: Buffer.byteLength(TEXT) },
];
/** With `--model gpt-4o-mini`: the same bytes but the model's string. */
const WITH_MODEL = STORED.replace('"model" : "gpt-4o"', '"model" : "gpt-4o-mini"');

/**
 * Every file of the store (the SQLite file and its -wal, or a directory's files) read as bytes; a
 * PostgreSQL store is exported first (its rows, as `cassette export` writes them).
 */
async function storeBytes(store: string): Promise<string> {
  if (store.startsWith('postgres://')) {
    const out = join(tempDir(), 'export');
    const r = await runCli(['export', out, '--store', store]);
    expect(r.code, r.stderr).toBe(0);
    store = out;
  }
  const files: string[] = [];
  const walk = (p: string): void => {
    if (statSync(p).isDirectory()) for (const f of readdirSync(p)) walk(join(p, f));
    else files.push(p);
  };
  if (store.endsWith('.db')) for (const f of readdirSync(dirname(store))) walk(join(dirname(store), f));
  else walk(store);
  return files.map((f) => readFileSync(f).toString('latin1')).join('\n');
}

const upstreamFor = () =>
  startFakeUpstream(chatHandler(() => ({ content: 'the same answer', usage: { prompt_tokens: 5, completion_tokens: 3 } })));
const env = { OPENAI_API_KEY: 'sk-test' };

describe.each([
  ['SQLite', async () => tempStore('X.db')],
  ['directory', async () => join(tempDir(), 'cassettes')],
  ['PostgreSQL', async () => (await freshDatabase()).url],
])('resending stored requests (%s store)', (_name, makeStore) => {
  it(
    'replay --live, contract check --live and rerecord send the stored bytes exactly; the secret is on no file',
    { timeout: 120_000 },
    async () => {
      const upstream = await upstreamFor();
      const store = await makeStore();
      await recordEpisode(store, upstream);
      const files = await storeBytes(store);
      expect(files).not.toContain(SECRET);
      expect(files).not.toContain(BEARER);
      const up = ['--store', store, '--upstream', `openai=${upstream.url}`];

      const replay = await runCli(['replay', 'ep', '--live', ...up], { env });
      expect(replay.code, replay.stderr).toBe(0);
      expect(received(upstream)).toEqual(expected);

      const contracts = join(tempDir(), 'contracts');
      const update = await runCli(['contract', 'update', '--store', store, '--contracts', contracts]);
      expect(update.code, update.stderr).toBe(0);
      const check = await runCli(['contract', 'check', '--live', '--episode', 'ep', '--contracts', contracts, ...up], { env });
      expect(check.code, check.stderr).toBe(0);
      expect(received(upstream)).toEqual([...expected, ...expected]);

      const rerecord = await runCli(['rerecord', 'ep', ...up], { env });
      expect(rerecord.code, rerecord.stderr).toBe(0);
      expect(received(upstream)).toEqual([...expected, ...expected, ...expected]);
      upstream.requests.length = 0;

      // --model changes the model's string in those bytes and nothing else.
      const other = await runCli(['replay', 'ep', '--live', '--model', 'gpt-4o-mini', '--into', 'ep.mini', '--fail-on', 'never', ...up], {
        env,
      });
      expect(other.code, other.stderr).toBe(0);
      expect(received(upstream)).toEqual([{ ...expected[0], body: WITH_MODEL, length: Buffer.byteLength(WITH_MODEL) }, expected[1]]);

      // Each resend was recorded again from the same bytes: the same key, so the episode still replays.
      const golden = await startProxy({ mode: 'golden', store, strict: true, episode: 'ep' });
      const res = await fetch(`${golden.baseUrl('openai')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: SENT,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-cassette-outcome')).toBe('hit');
      const after = await storeBytes(store);
      expect(after).not.toContain(SECRET);
      expect(after).not.toContain(BEARER);
    },
  );
});
