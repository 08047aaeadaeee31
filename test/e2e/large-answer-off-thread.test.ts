// Issue 13 item 14: a large answer is finished on a worker thread (redaction across events,
// assembly, body decoding, the JSON of the row). What is stored must be byte for byte what the
// event loop would have stored: the same answers are recorded once with the threshold at
// Infinity (all on the event loop) and once at 0 (every answer through the worker), and the rows
// are compared as stored, only the arrival times (`ms`, `timings`, `recordedAt`) set aside.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { answersFinishedOffThread } from '../../src/modes/large-answer.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { rawRequest } from '../helpers/record-replay.js';

useCleanup();

const KEY = 'sk-proj-Q7pX2mZ9vB4nK8cL1dF6gH3jR5tY0wEa';
const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}): string =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'gpt-4o', choices: [{ index: 0, delta, ...extra }] })}\n\n`;
const text = (t: string): string =>
  `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } })}\n\n`;

/** The upstream's answers by request model: each kind of work the worker does once. */
const ANSWERS: Record<string, { type: string; path: string; body: Buffer }> = {
  'openai-stream': {
    type: 'text/event-stream',
    path: '/openai/v1/chat/completions',
    body: Buffer.from(
      [
        chunk({ role: 'assistant', content: 'the key is sk-pro' }),
        chunk({ content: 'j-Q7pX2mZ9vB4nK8cL1dF6gH3jR5tY0wEa and a secret word: hunter2' }),
        chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
        chunk({}, { finish_reason: 'stop' }),
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 12, completion_tokens: 34, total_tokens: 46 } })}\n\n`,
        'data: [DONE]\n\n',
      ].join(''),
    ),
  },
  'anthropic-stream': {
    type: 'text/event-stream',
    path: '/anthropic/v1/messages',
    body: Buffer.from(
      [
        `event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { id: 'msg_1', model: 'claude-3-5-haiku', content: [], usage: { input_tokens: 5, output_tokens: 1 } } })}\n\n`,
        text('key: sk-proj-Q7pX'),
        text('2mZ9vB4nK8cL1dF6gH3jR5tY0wEa, bytes: \u00e9\u{1f600}'),
        `event: message_delta\ndata: ${JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } })}\n\n`,
        `event: message_stop\ndata: {"type":"message_stop"}\n\n`,
      ].join(''),
    ),
  },
  // An event that is not valid UTF-8 (kept as bytes, base64).
  'bad-utf8-stream': {
    type: 'text/event-stream',
    path: '/openai/v1/chat/completions',
    body: Buffer.concat([
      Buffer.from(chunk({ content: 'before' })),
      Buffer.from('data: {"choices":[{"index":0,"delta":{"content":"'),
      Buffer.from([0xff, 0xfe, 0x41]),
      Buffer.from('"}}]}\n\n'),
      Buffer.from('data: [DONE]\n\n'),
    ]),
  },
  // Indented JSON (stored with its indent) holding a key and a redact-rule word.
  'json-indented': {
    type: 'application/json',
    path: '/openai/v1/chat/completions',
    body: Buffer.from(
      JSON.stringify(
        {
          id: 'x',
          object: 'chat.completion',
          model: 'gpt-4o',
          choices: [
            { index: 0, message: { role: 'assistant', content: `${KEY} hunter2 ${'long text '.repeat(500)}` }, finish_reason: 'stop' },
          ],
          usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
        },
        null,
        2,
      ),
    ),
  },
  // JSON that JSON.stringify cannot reproduce (a big number, a trailing newline): kept raw.
  'json-raw': {
    type: 'application/json',
    path: '/openai/v1/chat/completions',
    body: Buffer.from(`{"id":"y","seed":12345678901234567890,"choices":[{"index":0,"message":{"role":"assistant","content":"ok"}}]}\n`),
  },
  'plain-text': { type: 'text/plain', path: '/openai/v1/chat/completions', body: Buffer.from(`error: bad key ${KEY}\n`) },
};

/** Records every answer once through a live proxy into a new store; answers the rows' JSON by model. */
async function record(threshold: string): Promise<Map<string, string>> {
  process.env.CASSETTE_LARGE_ANSWER_BYTES = threshold;
  const upstream = await startFakeUpstream(async (req, res) => {
    const answer = ANSWERS[req.json.model as string] as (typeof ANSWERS)[string];
    res.writeHead(200, { 'content-type': answer.type });
    // In pieces of 7 bytes: events and UTF-8 sequences are cut across chunks.
    for (let at = 0; at < answer.body.length; at += 7) res.write(answer.body.subarray(at, at + 7));
    res.end();
  });
  const dir = tempDir();
  const config = join(dir, 'cassette.config.json');
  writeFileSync(config, JSON.stringify({ redact: [{ pattern: 'hunter2', replacement: '<WORD>' }] }));
  const store = join(dir, 'cassettes.db');
  const proxy = await startProxy({ mode: 'live', store, config, upstream: [`openai=${upstream.url}`, `anthropic=${upstream.url}`] });
  for (const [model, answer] of Object.entries(ANSWERS)) {
    const body = JSON.stringify({
      model,
      stream: answer.type === 'text/event-stream',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const res = await rawRequest(`${proxy.url}${answer.path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body,
    });
    // The client gets the answer exactly as the upstream sent it, whichever thread records it.
    expect(Buffer.compare(res.body, answer.body), model).toBe(0);
  }
  await proxy.stop();
  const db = new Database(store, { readonly: true });
  const rows = db.prepare('SELECT data, typeof(data) AS type FROM interactions ORDER BY position').all() as {
    data: string;
    type: string;
  }[];
  db.close();
  // The row thread binds a large row's JSON as UTF-8 bytes: it must still be stored as TEXT.
  expect(rows.map((r) => r.type)).toEqual(rows.map(() => 'text'));
  return new Map(
    rows.map((r) => [(JSON.parse(r.data) as { request: { body: { json: { model: string } } } }).request.body.json.model, r.data]),
  );
}

/** The row without what differs from one recording to the next: arrival times and the clock. */
const timeless = (data: string): string =>
  data
    .replace(/\{"ms":[0-9.]+,/g, '{"ms":0,')
    .replace(/"timings":\{[^}]*\}/, '"timings":{}')
    .replace(/"recordedAt":"[^"]*"/, '"recordedAt":""');

describe('a large answer finished on the worker thread', () => {
  afterEach(() => {
    delete process.env.CASSETTE_LARGE_ANSWER_BYTES;
  });

  it('stores byte for byte what the event loop stores', async () => {
    const before = answersFinishedOffThread();
    const onLoop = await record('Infinity');
    expect(answersFinishedOffThread()).toBe(before);
    const offLoop = await record('0');
    expect(answersFinishedOffThread() - before).toBe(Object.keys(ANSWERS).length);

    expect([...offLoop.keys()].sort()).toEqual(Object.keys(ANSWERS).sort());
    for (const model of Object.keys(ANSWERS)) {
      const a = onLoop.get(model) as string;
      const b = offLoop.get(model) as string;
      expect(timeless(b), model).toBe(timeless(a));
    }
    // The cases did what they are here for: secrets masked, assembled, the bad bytes kept.
    const all = [...offLoop.values()].join('\n');
    expect(all).not.toContain(KEY);
    expect(all).not.toContain('hunter2');
    expect(JSON.parse(offLoop.get('openai-stream') as string).assembled.text).toContain('<REDACTED>');
    expect(JSON.parse(offLoop.get('openai-stream') as string).usage).toMatchObject({ inputTokens: 12, outputTokens: 34 });
    expect(offLoop.get('bad-utf8-stream')).toContain('"base64"');
    expect(JSON.parse(offLoop.get('json-indented') as string).response.body.indent).toBe(2);
    expect(JSON.parse(offLoop.get('json-raw') as string).response.body.raw).toBeDefined();
  });
});
