// The proof that an agent's episode is one tape: the OpenAI Agents SDK runs an agent whose
// model (the `openai` package against a fake OpenAI upstream that answers with two tool calls)
// and whose tools (a real MCP server, reached through MCPServerStreamableHttp) both go through
// the proxy. Recorded live, the episode replays in golden with both upstreams shut down.
import { join } from 'node:path';
import { Agent, MCPServerStreamableHttp, OpenAIProvider, Runner, setTracingDisabled } from '@openai/agents';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Interaction } from '../../src/types.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import type { ReceivedRequest } from '../helpers/fake-upstream.js';
import { mcpConfig, startMcpUpstream } from '../helpers/mcp-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import type { TestProxy } from '../helpers/proxy.js';

useCleanup();
setTracingDisabled(true);

const EPISODE = 'agent-loop';
const API_KEY = 'sk-proj-PLANTEDmcpAgentKey0123456789abcdefghij';

/** A chat model that first asks for both tools, then answers from their results. */
function chatModel(req: ReceivedRequest): unknown {
  const messages = (req.json as { messages: { role: string; content?: unknown }[] }).messages;
  const results = messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
  const base = { id: `chatcmpl-${results.length}`, object: 'chat.completion', created: 1764806400, model: 'gpt-4o-mini-2024-07-18' };
  const usage = { prompt_tokens: 60 + results.length * 20, completion_tokens: 18, total_tokens: 78 + results.length * 20 };
  if (results.length === 0) {
    const call = (id: string, name: string, args: unknown) => ({
      id,
      type: 'function',
      function: { name, arguments: JSON.stringify(args) },
    });
    return {
      ...base,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [call('call_add_1', 'add', { a: 2, b: 3 }), call('call_weather_1', 'weather', { city: 'Paris' })],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage,
    };
  }
  const text = `2 + 3 = ${results.some((r) => r.includes('5')) ? 5 : '?'}; Paris is ${results.some((r) => r.includes('sunny')) ? 'sunny' : '?'}.`;
  return { ...base, choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage };
}

async function runAgent(proxy: TestProxy): Promise<unknown> {
  const tools = new MCPServerStreamableHttp({ url: `${proxy.url}/episodes/${EPISODE}/tools/mcp`, name: 'tools', cacheToolsList: true });
  await tools.connect();
  try {
    const provider = new OpenAIProvider({ apiKey: API_KEY, baseURL: `${proxy.url}/episodes/${EPISODE}/openai/v1`, useResponses: false });
    const agent = new Agent({ name: 'Helper', instructions: 'Use the tools.', model: 'gpt-4o-mini', mcpServers: [tools] });
    const result = await new Runner({ modelProvider: provider, tracingDisabled: true }).run(
      agent,
      'What is 2 + 3, and the weather in Paris?',
    );
    return result.finalOutput;
  } finally {
    await tools.close();
  }
}

/** `openai chat`, `tools tools/call add`, ...: the episode's tape in call order. */
async function tape(store: string): Promise<string[]> {
  const s = await openStore(store);
  try {
    const out: Interaction[] = [];
    for await (const i of s.interactions({ episodes: [EPISODE] })) out.push(i);
    return out
      .sort((a, b) => a.position - b.position)
      .map((i) => {
        const body = i.request.body.kind === 'json' ? (i.request.body.json as { method?: string; params?: { name?: string } }) : {};
        return i.family === 'mcp'
          ? `tools ${i.request.method} ${body.method ?? ''} ${body.params?.name ?? ''}`.trim()
          : `${i.provider} ${i.request.path}`;
      });
  } finally {
    await s.close();
  }
}

describe('an agent loop with a model and two MCP tools', () => {
  it('records model and tool calls in one ordered tape and replays it entirely from tape', async () => {
    const dir = tempDir();
    const store = join(dir, 'cassettes.db');
    const model = await startFakeUpstream((req, res) => {
      const body = JSON.stringify(chatModel(req));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    });
    const mcp = await startMcpUpstream();
    const config = mcpConfig(dir, mcp.url);

    const live = await startProxy({ mode: 'live', store, config, upstream: [`openai=${model.url}`] });
    const recorded = await runAgent(live);
    await live.stop();
    await model.stop();
    await mcp.stop();
    expect(recorded).toBe('2 + 3 = 5; Paris is sunny.');
    expect([...mcp.calls].sort()).toEqual(['add(2,3)', 'weather(Paris)']);

    const steps = await tape(store);
    const firstModel = steps.indexOf('openai /v1/chat/completions');
    const lastModel = steps.lastIndexOf('openai /v1/chat/completions');
    const add = steps.indexOf('tools POST tools/call add');
    const weather = steps.indexOf('tools POST tools/call weather');
    expect(steps.indexOf('tools POST initialize')).toBeLessThan(firstModel);
    expect(firstModel).toBeLessThan(Math.min(add, weather));
    expect(Math.max(add, weather)).toBeLessThan(lastModel);

    // Golden: both upstreams gone; traps on other ports count any connection attempt.
    const modelTrap = await startFakeUpstream((_req, res) => void res.end('{}'));
    const mcpTrap = await startMcpUpstream();
    const golden = await startProxy({
      mode: 'golden',
      store,
      config,
      strict: true,
      upstream: [`openai=${modelTrap.url}`, `tools=${mcpTrap.url}`],
    });
    expect(await runAgent(golden)).toBe(recorded);
    expect(golden.stats.misses).toEqual([]);
    expect(modelTrap.connections + mcpTrap.connections).toBe(0);
    expect(golden.summary()).toMatchObject({ misses: 0, unused: [] });
  });
});
