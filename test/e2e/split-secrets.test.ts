// Issue 13 item 8: a key streamed across SSE deltas (`sk-pro` in one event, `j-Q7p…` in the next)
// is not stored whole. Each raw event was redacted on its own, so the pieces reassembled into the
// full key in the stored stream and in `assembled.text`. The client still gets the stream exactly
// as the upstream sent it; every byte of the store (SQLite file and its -wal, or every file of a
// directory store) is searched for the key, and `cassette verify` passes on what the proxy wrote.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { runCli, startProxy } from '../helpers/proxy.js';
import { rawRequest } from '../helpers/record-replay.js';
import { storedInteractions } from '../helpers/stored-interactions.js';

useCleanup();

const KEY_A = 'sk-proj-Q7pX2mZ9vB4nK8cL1dF6gH3jR5tY0wEa';
const KEY_B = 'sk-ant-api03-Zt8Yq1Wv6Ux3Ps9Ro2Nm5Lk4Jh7Gf0Ed-AbCdEfGh';

const chunk = (content: string): string =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content } }] })}\n\n`;
const OPENAI_EVENTS = [
  chunk('Your first key is sk-pro'), // KEY_A in 2 deltas
  chunk('j-Q7pX2mZ9vB4nK8cL1dF6gH3jR5tY0wEa and the second one '),
  chunk('sk-ant-api'), // KEY_B in 3 deltas
  chunk('03-Zt8Yq1Wv6Ux3Ps9Ro2'),
  chunk('Nm5Lk4Jh7Gf0Ed-AbCdEfGh. Keep them safe.'),
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
  'data: [DONE]\n\n',
];

const text = (t: string): string =>
  `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: t } })}\n\n`;
const ANTHROPIC_EVENTS = [
  `event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-3-5-haiku', content: [], usage: { input_tokens: 5, output_tokens: 1 } } })}\n\n`,
  `event: content_block_start\ndata: ${JSON.stringify({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })}\n\n`,
  text('key: sk-proj-Q7pX'),
  text('2mZ9vB4nK8cL'),
  text('1dF6gH3jR5tY0wEa'),
  text(' end'),
  `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n`,
  `event: message_delta\ndata: ${JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 9 } })}\n\n`,
  `event: message_stop\ndata: {"type":"message_stop"}\n\n`,
];

/** Every byte under the store's directory (the SQLite file, -wal and -shm, or a directory store's files). */
function storeText(root: string): string {
  const out: string[] = [];
  const walk = (p: string): void => {
    if (statSync(p).isDirectory()) for (const f of readdirSync(p)) walk(join(p, f));
    else out.push(readFileSync(p).toString('latin1'));
  };
  walk(root);
  return out.join('\n');
}

const leaks = (haystack: string): string[] => [KEY_A, KEY_B].filter((k) => haystack.includes(k) || haystack.includes(k.slice(-16)));

for (const kind of ['SQLite', 'directory'] as const) {
  describe(`a key spelled across stream events (${kind} store)`, () => {
    for (const [provider, path, events] of [
      ['openai', '/openai/v1/chat/completions', OPENAI_EVENTS],
      ['anthropic', '/anthropic/v1/messages', ANTHROPIC_EVENTS],
    ] as const) {
      it(`${provider}: the client gets the stream as sent, the store holds no piece-by-piece key`, async () => {
        const upstream = await startFakeUpstream(async (_req, res) => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          for (const e of events) {
            res.write(e);
            await new Promise((r) => setTimeout(r, 2));
          }
          res.end();
        });
        const dir = tempDir();
        const store = kind === 'SQLite' ? join(dir, 'cassettes.db') : join(dir, 'cassettes');
        const proxy = await startProxy({ mode: 'live', store, upstream: [`${provider}=${upstream.url}`] });
        const body = JSON.stringify({ model: 'm', stream: true, max_tokens: 10, messages: [{ role: 'user', content: 'keys?' }] });
        const live = await rawRequest(`${proxy.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
          body,
        });
        // The live tee is untouched: the client reads what the upstream wrote.
        expect(live.body.toString()).toBe(events.join(''));
        await proxy.stop();

        expect(leaks(storeText(kind === 'SQLite' ? dirname(store) : store))).toEqual([]);
        const [stored] = await storedInteractions(store);
        expect(stored?.complete).toBe(true);
        expect(stored?.assembled?.text).toContain('<REDACTED>');
        expect(leaks(stored?.response.stream?.events.map((e) => e.raw).join('') ?? '')).toEqual([]);
        expect(leaks(JSON.stringify(stored))).toEqual([]);

        const verify = await runCli(['verify', '--store', store, '--json']);
        expect(verify.stdout).not.toContain('"credential"');
        expect(verify.code, verify.stdout + verify.stderr).toBe(0);
      });
    }
  });
}
