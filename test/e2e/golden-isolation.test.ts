// Golden (and mock) never open an outbound connection — not on a hit, not on a miss, not for a
// stream — and golden never writes to the store. The proof: a fake upstream that every provider
// is pointed at counts its TCP connections, and stays at zero.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, tempStore, useCleanup } from '../helpers/cleanup.js';
import { corpus } from '../helpers/corpus.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import type { FakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { rawRequest, settle } from '../helpers/record-replay.js';
import { anthropicClient, geminiClient, openaiClient, openrouterClient } from '../helpers/sdk.js';

useCleanup();

const PROVIDERS = ['openai', 'anthropic', 'gemini', 'openrouter'] as const;
const allAt = (u: FakeUpstream): string[] => PROVIDERS.map((p) => `${p}=${u.url}`);

function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort())
    out[name] = createHash('sha256')
      .update(readFileSync(join(dir, name)))
      .digest('hex');
  return out;
}

async function recordOneChat(store: string): Promise<void> {
  const upstream = await startFakeUpstream('openai/chat-completions-basic.json');
  const live = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
  await openaiClient(live).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'What is 4200 + 42?' }] });
  await live.stop();
  await upstream.stop();
}

describe('golden opens no upstream connection', () => {
  it('on hits and on misses of every provider, streamed or not', async () => {
    const store = tempStore();
    await recordOneChat(store);
    const trap = await startFakeUpstream({ routes: [{ answer: 'openai/chat-completions-basic.json' }] });
    const golden = await startProxy({ mode: 'golden', store, upstream: allAt(trap) });

    const hit = await openaiClient(golden).chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'What is 4200 + 42?' }],
    });
    expect(hit.choices[0]?.message.content).toContain('4242');

    const misses = await Promise.all([
      settle(() =>
        openaiClient(golden, { maxRetries: 2 }).chat.completions.create({
          model: 'gpt-4o',
          messages: [{ role: 'user', content: 'unrecorded' }],
        }),
      ),
      settle(async () => {
        const stream = await openaiClient(golden, { maxRetries: 2 }).chat.completions.create({
          model: 'gpt-4o',
          messages: [{ role: 'user', content: 'x' }],
          stream: true,
        });
        for await (const _ of stream) void _;
      }),
      settle(() =>
        anthropicClient(golden, { maxRetries: 2 }).messages.create({
          model: 'claude-sonnet-4-0',
          max_tokens: 10,
          messages: [{ role: 'user', content: 'x' }],
        }),
      ),
      settle(() =>
        anthropicClient(golden, { maxRetries: 2 })
          .messages.stream({ model: 'claude-sonnet-4-0', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
          .finalMessage(),
      ),
      settle(() => geminiClient(golden, { maxRetries: 2 }).models.generateContent({ model: 'gemini-2.5-flash', contents: 'x' })),
      settle(async () => {
        for await (const _ of await geminiClient(golden).models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'x' })) void _;
      }),
      settle(() =>
        openrouterClient(golden, { maxRetries: 2 }).chat.completions.create({
          model: 'openai/gpt-4o',
          messages: [{ role: 'user', content: 'x' }],
        }),
      ),
      rawRequest(`${golden.url}/openai/v1/models`).then((r) => ({ ok: false as const, error: r.status })),
    ]);
    for (const m of misses) expect(m.ok).toBe(false);
    expect(golden.summary()).toMatchObject({ hits: 1, misses: 8, recorded: 0, forwarded: 0 });
    expect(trap.connections).toBe(0);
    expect(trap.requests).toHaveLength(0);
  });

  it('with a store that does not exist: every request misses, and no file is created', async () => {
    const dir = tempDir();
    const store = join(dir, 'nested', 'never.db');
    const trap = await startFakeUpstream('openai/chat-completions-basic.json');
    const golden = await startProxy({ mode: 'golden', store, upstream: allAt(trap) });
    const res = await rawRequest(`${golden.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":"gpt-4o","messages":[]}',
    });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.body.toString()).error.message).toMatch(/no recordings/);
    await golden.stop();
    expect(trap.connections).toBe(0);
    expect(existsSync(dirname(store))).toBe(false);
  });

  it('leaves the store database byte-identical', async () => {
    const store = tempStore();
    await recordOneChat(store);
    const before = fingerprint(dirname(store));
    const golden = await startProxy({ mode: 'golden', store });
    await openaiClient(golden).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'What is 4200 + 42?' }] });
    await settle(() => openaiClient(golden).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'a miss' }] }));
    await golden.stop();
    const after = fingerprint(dirname(store));
    expect(after['cassettes.db']).toBe(before['cassettes.db']);
    // Whatever SQLite keeps beside the file, no recording went into it.
    expect(existsSync(`${store}-wal`) ? statSync(`${store}-wal`).size : 0).toBe(0);
  });

  it('creates no files beside the store (golden never writes to the store)', async () => {
    const store = tempStore();
    await recordOneChat(store);
    const before = fingerprint(dirname(store));
    expect(Object.keys(before)).toEqual(['cassettes.db']);
    const golden = await startProxy({ mode: 'golden', store });
    await openaiClient(golden).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'What is 4200 + 42?' }] });
    await golden.stop();
    expect(fingerprint(dirname(store))).toEqual(before);
  });
});

describe('mock opens no upstream connection', () => {
  it('answers every family without touching the upstream', async () => {
    const trap = await startFakeUpstream(corpus('openai/chat-completions-basic.json'));
    const mock = await startProxy({ mode: 'mock', store: tempStore(), upstream: allAt(trap) });
    const chat = await openaiClient(mock).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    expect(chat.object).toBe('chat.completion');
    const msg = await anthropicClient(mock).messages.create({
      model: 'claude-sonnet-4-0',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(msg.type).toBe('message');
    const gem = await geminiClient(mock).models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
    expect(gem.candidates?.length).toBeGreaterThan(0);
    expect(trap.connections).toBe(0);
  });
});
