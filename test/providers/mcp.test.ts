// MCP tool servers over Streamable HTTP (family `mcp`), driven by the official SDK on both ends:
// its McpServer as the upstream, its Client through the proxy. Record live, replay golden with
// the server gone and nothing listening that golden could reach, and a changed call is a miss the
// client surfaces as a JSON-RPC error with our explanation.
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Interaction } from '../../src/types.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { mcpConfig, startMcpUpstream } from '../helpers/mcp-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import type { TestProxy } from '../helpers/proxy.js';

useCleanup();

const EPISODE = 'mcp-tools';

async function connect(proxy: TestProxy): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const client = new Client({ name: 'cassette-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${proxy.url}/episodes/${EPISODE}/tools/mcp`));
  await client.connect(transport);
  return { client, transport };
}

/** One session: list the tools, call both. */
async function useTools(proxy: TestProxy, opts: { list?: boolean; a?: number } = {}) {
  const { client, transport } = await connect(proxy);
  try {
    const tools = opts.list === false ? [] : (await client.listTools()).tools.map((t) => t.name);
    const sum = await client.callTool({ name: 'add', arguments: { a: opts.a ?? 2, b: 3 } });
    const logs: unknown[] = [];
    client.setNotificationHandler((await import('@modelcontextprotocol/sdk/types.js')).LoggingMessageNotificationSchema, (n) => {
      logs.push(n.params.data);
    });
    const weather = await client.callTool({ name: 'weather', arguments: { city: 'Paris' } });
    const sessionId = transport.sessionId;
    // DELETE ends the session on the server (recorded and replayed like any call).
    await transport.terminateSession();
    return { tools, sum: sum.content, weather: weather.content, logs, sessionId };
  } finally {
    await client.close();
  }
}

async function readEpisode(store: string): Promise<Interaction[]> {
  const s = await openStore(store);
  try {
    const out: Interaction[] = [];
    for await (const i of s.interactions({ episodes: [EPISODE], includeIncomplete: true })) out.push(i);
    return out;
  } finally {
    await s.close();
  }
}

describe.each([
  { answers: 'SSE streams', json: false },
  { answers: 'JSON bodies', json: true },
])('an MCP server answering with $answers', ({ json }) => {
  it('records a session live and replays it in golden with the server shut down', async () => {
    const dir = tempDir();
    const store = join(dir, 'cassettes.db');
    const upstream = await startMcpUpstream({ json });
    const config = mcpConfig(dir, upstream.url);

    const live = await startProxy({ mode: 'live', store, config });
    const recorded = await useTools(live);
    await live.stop();
    await upstream.stop();
    expect(recorded.tools).toEqual(['add', 'weather']);
    expect(recorded.sum).toEqual([{ type: 'text', text: '5' }]);
    expect(upstream.calls).toEqual(['add(2,3)', 'weather(Paris)']);
    expect(recorded.sessionId).toBe(upstream.sessions[0]);

    const stored = await readEpisode(store);
    const methods = stored.map((i) =>
      `${i.request.method} ${i.request.body.kind === 'json' ? (i.request.body.json as { method: string }).method : ''}`.trim(),
    );
    expect(methods).toEqual(
      expect.arrayContaining(['GET', 'POST initialize', 'POST notifications/initialized', 'POST tools/list', 'POST tools/call', 'DELETE']),
    );
    expect(stored.every((i) => i.family === 'mcp' && i.complete)).toBe(true);
    const call = stored.find((i) => i.assembled?.text === '5');
    expect(call?.assembled?.finishReason).toBe('ok');
    if (!json) expect(stored.some((i) => JSON.stringify(i.assembled?.extra ?? {}).includes('notifications/message'))).toBe(true);

    // Golden: the MCP server is gone; a trap on another port counts any connection attempt.
    const trap = await startMcpUpstream({ json });
    const golden = await startProxy({ mode: 'golden', store, config, upstream: [`tools=${trap.url}`] });
    const replayed = await useTools(golden);
    expect(replayed.tools).toEqual(recorded.tools);
    expect(replayed.sum).toEqual(recorded.sum);
    expect(replayed.weather).toEqual(recorded.weather);
    if (!json) expect(replayed.logs).toEqual(['looking up Paris']);
    // The client gets the session id the upstream handed out at recording.
    expect(replayed.sessionId).toBe(recorded.sessionId);
    expect(golden.stats.misses).toEqual([]);
    expect(trap.connections).toBe(0);
  });
});

describe('MCP keys and misses', () => {
  it('replays a call whose JSON-RPC id differs from the recording, answering under the new id', async () => {
    const dir = tempDir();
    const store = join(dir, 'cassettes.db');
    const upstream = await startMcpUpstream();
    const config = mcpConfig(dir, upstream.url);
    const live = await startProxy({ mode: 'live', store, config });
    await useTools(live);
    await live.stop();
    await upstream.stop();

    // Without tools/list first, every later request carries an id one lower than at recording.
    const golden = await startProxy({ mode: 'golden', store, config });
    const replayed = await useTools(golden, { list: false });
    expect(replayed.sum).toEqual([{ type: 'text', text: '5' }]);
    expect(replayed.weather).toEqual([{ type: 'text', text: JSON.stringify({ city: 'Paris', temperature_c: 21, sky: 'sunny' }) }]);
  });

  it('answers a changed tool argument with a JSON-RPC error the MCP client surfaces', async () => {
    const dir = tempDir();
    const store = join(dir, 'cassettes.db');
    const upstream = await startMcpUpstream();
    const config = mcpConfig(dir, upstream.url);
    const live = await startProxy({ mode: 'live', store, config });
    await useTools(live);
    await live.stop();
    await upstream.stop();

    const golden = await startProxy({ mode: 'golden', store, config });
    const failed = await useTools(golden, { a: 4 }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failed).toBeInstanceOf(McpError);
    const message = (failed as McpError).message;
    expect(message).toContain('cassette miss in episode "mcp-tools"');
    expect(message).toContain('POST /mcp tools/call add');
    expect(message).toMatch(/params\.arguments\.a/);
    expect((failed as McpError).data).toEqual({ code: 'cassette_miss' });
    expect(golden.stats.misses).toHaveLength(1);
  });
});
