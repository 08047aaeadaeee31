// Streaming record/replay through the real SDKs: the same assembled text, tool calls and usage
// live and golden, the exact recorded event bytes on replay, and events passed on as they arrive.
import { request as httpRequest } from 'node:http';
import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { corpus, responseText, splitSseEvents, sseJson } from '../helpers/corpus.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { expectFaithfulReplay, plain, rawRequest, recordThenReplay, valueOf } from '../helpers/record-replay.js';
import { anthropicClient, geminiClient, openaiClient } from '../helpers/sdk.js';

useCleanup();

/** What an OpenAI chat stream amounts to, assembled the way an app does it from SDK chunks. */
function assembleChat(chunks: any[]): {
  text: string;
  toolCalls: { id: string; name: string; args: unknown }[];
  finish: string | undefined;
  usage: unknown;
} {
  let text = '';
  let finish: string | undefined;
  let usage: unknown = null;
  const calls: { id: string; name: string; args: string }[] = [];
  for (const c of chunks) {
    if (c.usage) usage = c.usage;
    for (const choice of c.choices ?? []) {
      text += choice.delta?.content ?? '';
      finish = choice.finish_reason ?? finish;
      for (const t of choice.delta?.tool_calls ?? []) {
        const slot = (calls[t.index] ??= { id: '', name: '', args: '' });
        slot.id ||= t.id ?? '';
        slot.name ||= t.function?.name ?? '';
        slot.args += t.function?.arguments ?? '';
      }
    }
  }
  return { text, toolCalls: calls.map((c) => ({ id: c.id, name: c.name, args: JSON.parse(c.args) })), finish, usage };
}

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of stream) out.push(item);
  return out;
}

describe('openai chat streams', () => {
  it('replays a stream with include_usage: same chunks, text and usage', async () => {
    const recorded = corpus('openai/chat-completions-stream-include-usage.json');
    const r = await recordThenReplay({
      provider: 'openai',
      upstream: recorded,
      call: async (p) =>
        collect(
          await openaiClient(p).chat.completions.create({
            model: 'gpt-4o',
            messages: [{ role: 'user', content: 'What is 4200 + 42?' }],
            stream: true,
            stream_options: { include_usage: true },
          }),
        ),
    });
    const live = valueOf(r.live, 'live');
    const expected = assembleChat(sseJson(responseText(recorded)));
    expect(expected.text).toContain('4242');
    expect(expected.usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    expect(assembleChat(live)).toEqual(expected);
    expect(plain(live)).toEqual(sseJson(responseText(recorded)));
    const golden = valueOf(r.golden, 'golden');
    expect(plain(golden)).toEqual(plain(live));
    expectFaithfulReplay(r, [recorded]);
  });

  it('replays streamed parallel tool calls assembled from argument deltas', async () => {
    const recorded = corpus('openai/chat-completions-stream-parallel-tool-calls.json');
    const r = await recordThenReplay({
      provider: 'openai',
      upstream: recorded,
      call: async (p) => {
        const params = recorded.request.body as OpenAI.Chat.ChatCompletionCreateParamsStreaming;
        return collect(await openaiClient(p).chat.completions.create({ ...params, stream: true }));
      },
    });
    const live = assembleChat(valueOf(r.live, 'live'));
    expect(live.toolCalls.map((t) => t.args)).toEqual([{ password: 'mellon' }, { password: 'radiance' }]);
    expect(live.finish).toBe('tool_calls');
    expect(assembleChat(valueOf(r.golden, 'golden'))).toEqual(live);
    expectFaithfulReplay(r, [recorded]);
  });

  it('replays a Responses API stream to the same completed response', async () => {
    const recorded = corpus('openai/responses-stream-basic.json');
    const r = await recordThenReplay({
      provider: 'openai',
      upstream: recorded,
      call: async (p) => {
        const events = await collect(
          await openaiClient(p).responses.create({
            model: 'gpt-4o',
            input: [{ role: 'user', content: 'What is 4200 + 42?' }],
            stream: true,
          }),
        );
        return events.map((e) => e.type);
      },
    });
    const types = valueOf(r.live, 'live');
    expect(types[0]).toBe('response.created');
    expect(types.at(-1)).toBe('response.completed');
    expect(valueOf(r.golden, 'golden')).toEqual(types);
    expectFaithfulReplay(r, [recorded]);
  });
});

describe('anthropic messages.stream()', () => {
  const expectedFrom = (text: string): { text: string; thinking: string; tools: unknown[] } => {
    const events = sseJson(text);
    return {
      text: events
        .filter((e) => e.delta?.type === 'text_delta')
        .map((e) => e.delta.text)
        .join(''),
      thinking: events
        .filter((e) => e.delta?.type === 'thinking_delta')
        .map((e) => e.delta.thinking)
        .join(''),
      tools: events.filter((e) => e.content_block?.type === 'tool_use').map((e) => e.content_block.name),
    };
  };
  const summarize = (m: any): { text: string; thinking: string; tools: unknown[] } => ({
    text: m.content
      .filter((b: any) => b.type === 'text')
      .map((b: any) => b.text)
      .join(''),
    thinking: m.content
      .filter((b: any) => b.type === 'thinking')
      .map((b: any) => b.thinking)
      .join(''),
    tools: m.content.filter((b: any) => b.type === 'tool_use').map((b: any) => b.name),
  });

  it.each([
    ['a text stream', 'anthropic/messages-stream-basic.json'],
    ['parallel tool_use with input_json_delta', 'anthropic/messages-stream-parallel-tool-use.json'],
    ['a gzip-compressed thinking stream', 'anthropic/messages-stream-thinking-gzip.json'],
  ])('replays %s to the same final message', async (_label, file) => {
    const recorded = corpus(file);
    const { stream: _stream, ...params } = recorded.request.body as Record<string, unknown>;
    const r = await recordThenReplay({
      provider: 'anthropic',
      upstream: recorded,
      call: (p) =>
        anthropicClient(p)
          .messages.stream(params as never)
          .finalMessage(),
    });
    const live = valueOf(r.live, 'live');
    expect(summarize(live)).toEqual(expectedFrom(responseText(recorded)));
    const finalDelta = sseJson(responseText(recorded)).find((e) => e.type === 'message_delta');
    expect(live.usage.output_tokens).toBe(finalDelta.usage.output_tokens);
    expect(live.stop_reason).toBe(finalDelta.delta.stop_reason);
    expect(plain(valueOf(r.golden, 'golden'))).toEqual(plain(live));
    expectFaithfulReplay(r, [recorded]);
  });
});

describe('gemini generateContentStream', () => {
  it('replays an alt=sse text stream chunk by chunk', async () => {
    const recorded = corpus('gemini/stream-generate-content-sse-basic.json');
    const r = await recordThenReplay({
      provider: 'gemini',
      upstream: recorded,
      call: async (p) =>
        collect(await geminiClient(p).models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'What is 4200 + 42?' })),
    });
    expect(r.upstream.requests[0]?.url).toBe('/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    const live = valueOf(r.live, 'live');
    const chunks = sseJson(responseText(recorded));
    expect(live.map((c) => c.text).join('')).toBe(chunks.map((c) => c.candidates[0].content.parts[0].text).join(''));
    expect(live.at(-1)?.usageMetadata).toEqual(chunks.at(-1).usageMetadata);
    const golden = valueOf(r.golden, 'golden');
    expect(plain(golden)).toEqual(plain(live));
    expectFaithfulReplay(r, [recorded]);
  });

  it('replays a streamed function call', async () => {
    const recorded = corpus('gemini/stream-generate-content-sse-function-call.json');
    const r = await recordThenReplay({
      provider: 'gemini',
      upstream: recorded,
      call: async (p) =>
        collect(
          await geminiClient(p).models.generateContentStream({
            model: 'gemini-2.5-flash',
            contents: 'Please retrieve the secrets associated with each of these passwords: mellon,radiance',
            config: { tools: [{ functionDeclarations: [{ name: 'secret_retrieval_tool' }] }] },
          }),
        ),
    });
    const live = valueOf(r.live, 'live');
    const calls = live.flatMap((c) => c.functionCalls ?? []);
    expect(calls.map((c) => c.args)).toEqual([{ password: 'mellon' }, { password: 'radiance' }]);
    expect(plain(valueOf(r.golden, 'golden'))).toEqual(plain(live));
    expectFaithfulReplay(r, [recorded]);
  });
});

describe('stream delivery', () => {
  it('passes each live event on before the upstream sends the next one', async () => {
    const recorded = corpus('openai/chat-completions-stream-include-usage.json');
    const events = splitSseEvents(responseText(recorded));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const upstream = await startFakeUpstream(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      res.write(events[0]);
      await gate; // the rest only once the client has seen the first event through the proxy
      for (const e of events.slice(1)) res.write(e);
      res.end();
    });
    const store = tempStore();
    const proxy = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });

    const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const received = await new Promise<{ first: string; all: string }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('the first event did not arrive while the upstream held the rest: the proxy buffers')),
        5_000,
      );
      const req = httpRequest(
        `${proxy.url}/openai/v1/chat/completions`,
        { method: 'POST', headers: { 'content-type': 'application/json' } },
        (res) => {
          let all = '';
          let first: string | undefined;
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            all += chunk;
            if (first === undefined && all.length >= (events[0] as string).length) {
              first = all;
              clearTimeout(timer);
              release();
            }
          });
          res.on('end', () => resolve({ first: first ?? '', all }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(received.first).toBe(events[0]);
    expect(received.all).toBe(responseText(recorded));
    await proxy.stop();

    // The held-back stream was recorded complete, event by event.
    const golden = await startProxy({ mode: 'golden', store, upstream: [`openai=${upstream.url}`] });
    const replay = await rawRequest(`${golden.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(replay.status).toBe(200);
    expect(replay.body.toString('utf8')).toBe(responseText(recorded));
  });

  it('replays instantly by default and with the recorded gaps under --timing recorded', async () => {
    const recorded = corpus('openai/chat-completions-stream-include-usage.json');
    const gapMs = 50;
    const events = splitSseEvents(responseText(recorded));
    const span = gapMs * (events.length - 1);
    const upstream = await startFakeUpstream({ routes: [{ answer: recorded }], eventDelayMs: gapMs });
    const store = tempStore();
    const flags = { store, upstream: [`openai=${upstream.url}`] };
    const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], stream: true });
    /** Sends the request; measures how far apart the first and last body bytes arrived (load adds latency, not spread). */
    const send = (url: string): Promise<{ spreadMs: number; text: string }> =>
      new Promise((resolve, reject) => {
        const req = httpRequest(
          `${url}/openai/v1/chat/completions`,
          { method: 'POST', headers: { 'content-type': 'application/json' } },
          (res) => {
            let text = '';
            let first: number | undefined;
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              first ??= performance.now();
              text += chunk;
            });
            res.on('end', () => resolve({ spreadMs: performance.now() - (first ?? performance.now()), text }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const live = await startProxy({ ...flags, mode: 'live' });
    const recordedSpread = (await send(live.url)).spreadMs;
    expect(recordedSpread).toBeGreaterThanOrEqual(span * 0.9);
    await live.stop();

    const instant = await startProxy({ ...flags, mode: 'golden' });
    const fast = await send(instant.url);
    const paced = await startProxy({ ...flags, mode: 'golden', timing: 'recorded' });
    const slow = await send(paced.url);
    const half = await startProxy({ ...flags, mode: 'golden', timing: '0.5' });
    const halved = await send(half.url);
    for (const r of [fast, slow, halved]) expect(r.text).toBe(responseText(recorded));
    expect(fast.spreadMs).toBeLessThan(span * 0.3);
    expect(slow.spreadMs).toBeGreaterThanOrEqual(span * 0.8);
    expect(halved.spreadMs).toBeGreaterThanOrEqual(span * 0.4);
    expect(halved.spreadMs).toBeLessThan(slow.spreadMs);
  });
});
