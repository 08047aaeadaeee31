import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool } from '@openai/agents';
import { RealtimeAgent, RealtimeSession, tool as realtimeTool } from '@openai/agents/realtime';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { z } from 'zod';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { loadWsFixture, startFakeWsUpstream } from '../helpers/fake-ws-upstream.js';
import { startProxy } from '../helpers/proxy.js';

useCleanup();
// Traces would go to api.openai.com: a test opens no connection but to its own servers.
setTracingDisabled(true);
// The Agents SDK's Responses socket uses the global WebSocket with a `headers` option (Node 22 has
// one; on Node 20 an application installs `ws`, whose constructor takes the same options).
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

const API_KEY = 'sk-proj-PLANTEDagentsKey0123456789abcdefghijkl';

/** The Agents SDK running one tool-using agent over the Responses WebSocket transport. */
async function runResponsesAgent(baseURL: string, city = 'Paris') {
  const provider = new OpenAIProvider({ apiKey: API_KEY, baseURL, useResponsesWebSocket: true });
  const getWeather = tool({
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: z.object({ city: z.string() }),
    execute: async ({ city: c }) => JSON.stringify({ city: c, temperature_c: 21, sky: 'sunny' }),
  });
  const agent = new Agent({ name: 'Weather', instructions: 'You answer weather questions.', model: 'gpt-5-mini', tools: [getWeather] });
  const runner = new Runner({ modelProvider: provider, tracingDisabled: true });
  const events: unknown[] = [];
  try {
    const result = await runner.run(agent, `What is the weather in ${city}?`, { stream: true });
    for await (const e of result) if (e.type === 'raw_model_stream_event') events.push(JSON.parse(JSON.stringify(e.data)));
    await result.completed;
    return { events, finalOutput: result.finalOutput };
  } finally {
    await provider.close();
  }
}

/** The Agents SDK's RealtimeSession over its WebSocket transport, pointed at the proxy by its `url`. */
async function runRealtimeAgent(url: string) {
  const getWeather = realtimeTool({
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: z.object({ city: z.string() }),
    execute: async () => '{"temperature_c":21,"sky":"sunny"}',
  });
  const agent = new RealtimeAgent({ name: 'Weather', instructions: 'You answer weather questions.', tools: [getWeather] });
  const session = new RealtimeSession(agent, { transport: 'websocket', model: 'gpt-realtime' });
  const events: any[] = [];
  let responses = 0;
  const finished = new Promise<void>((resolve, reject) => {
    session.on('transport_event', (e: any) => {
      if (typeof e.type !== 'string' || e.type === 'connection_change') return;
      events.push(JSON.parse(JSON.stringify(e)));
      if (e.type === 'response.done' && ++responses === 2) resolve();
      if (e.type === 'error') reject(new Error(JSON.stringify(e)));
    });
    setTimeout(() => reject(new Error(`timed out; events: ${events.map((e) => e.type).join(',')}`)), 10_000);
  });
  await session.connect({ apiKey: API_KEY, url });
  session.sendMessage('What is the weather in Paris?');
  try {
    await finished;
  } finally {
    session.close();
  }
  return events;
}

describe('@openai/agents through the proxy', () => {
  it('records the Responses WebSocket model live and replays it in golden with identical events', async () => {
    const store = join(tempDir(), 'cassettes.db');
    const upstream = await startFakeWsUpstream(loadWsFixture('openai-responses-ws-tool-call.json'));
    const live = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
    const recorded = await runResponsesAgent(live.env.OPENAI_BASE_URL as string);
    expect(recorded.finalOutput).toBe('It is sunny in Paris, 21 degrees.');
    expect(upstream.upgrades).toHaveLength(1);
    expect(upstream.upgrades[0]?.url).toBe('/v1/responses');
    await live.stop();
    await upstream.stop();
    expect(readFileSync(store).includes(API_KEY)).toBe(false);

    const golden = await startProxy({ mode: 'golden', store });
    const replayed = await runResponsesAgent(golden.env.OPENAI_BASE_URL as string);
    expect(replayed.events).toEqual(recorded.events);
    expect(replayed.finalOutput).toBe(recorded.finalOutput);
    expect(golden.stats.total('hit')).toBe(1);
    expect(golden.stats.savedTokens).toBe(105 + 143);
  });

  it('records a RealtimeSession with a tool call and replays it in golden, whatever order its two session.update frames take', async () => {
    const store = join(tempDir(), 'cassettes.db');
    const upstream = await startFakeWsUpstream(loadWsFixture('openai-agents-realtime-tool-call.json'));
    const live = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
    const path = '/openai/v1/realtime?model=gpt-realtime';
    const recorded = await runRealtimeAgent(`${live.url.replace(/^http/, 'ws')}${path}`);
    expect(recorded.filter((e) => e.type === 'response.done')).toHaveLength(2);
    await live.stop();
    await upstream.stop();

    const golden = await startProxy({ mode: 'golden', store });
    for (let i = 0; i < 3; i++) {
      const replayed = await runRealtimeAgent(`${golden.url.replace(/^http/, 'ws')}${path}`).catch((e: Error) => {
        throw new Error(`${e.message}\n${live.logs()}\n${golden.logs()}`);
      });
      expect(replayed.map((e) => e.type).sort()).toEqual(recorded.map((e) => e.type).sort());
      expect(replayed.filter((e) => e.type !== 'session.updated')).toEqual(recorded.filter((e) => e.type !== 'session.updated'));
      golden.setEpisode('default');
    }
    expect(golden.stats.misses).toEqual([]);
  });
});
