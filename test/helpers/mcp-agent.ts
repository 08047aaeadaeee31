// An agent loop for tests: the OpenAI Agents SDK runs an agent whose model is a fake OpenAI chat
// upstream that first asks for two tools (`add`, `weather`), and whose tools are a real MCP server,
// both reached through the proxy under one episode.
import { Agent, MCPServerStreamableHttp, OpenAIProvider, Runner, setTracingDisabled } from '@openai/agents';
import { startFakeUpstream } from './fake-upstream.js';
import type { FakeUpstream, ReceivedRequest } from './fake-upstream.js';
import { mcpConfig, startMcpUpstream } from './mcp-upstream.js';
import type { McpUpstream } from './mcp-upstream.js';
import { startProxy } from './proxy.js';

setTracingDisabled(true);

const API_KEY = 'sk-proj-PLANTEDmcpAgentKey0123456789abcdefghij';

/** A chat model that first asks for both tools, then answers from their results. */
export function chatModel(req: ReceivedRequest): unknown {
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

/** Runs the agent once through `proxy` under `episode`; returns its final output. */
export async function runAgent(proxy: { url: string }, episode: string): Promise<unknown> {
  const tools = new MCPServerStreamableHttp({ url: `${proxy.url}/episodes/${episode}/tools/mcp`, name: 'tools', cacheToolsList: true });
  await tools.connect();
  try {
    const provider = new OpenAIProvider({ apiKey: API_KEY, baseURL: `${proxy.url}/episodes/${episode}/openai/v1`, useResponses: false });
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

/** A fake OpenAI chat upstream answering with `chatModel`. */
export function startChatModel(): Promise<FakeUpstream> {
  return startFakeUpstream((req, res) => {
    const body = JSON.stringify(chatModel(req));
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  });
}

/** Records one run of the agent as `episode` in `store` (under `dir`); returns the config path and what was recorded. */
export async function recordAgentEpisode(
  dir: string,
  store: string,
  episode: string,
): Promise<{ config: string; output: unknown; mcp: McpUpstream }> {
  const model = await startChatModel();
  const mcp = await startMcpUpstream();
  const config = mcpConfig(dir, mcp.url);
  const live = await startProxy({ mode: 'live', store, config, upstream: [`openai=${model.url}`] });
  const output = await runAgent(live, episode);
  await live.stop();
  await model.stop();
  await mcp.stop();
  return { config, output, mcp };
}
