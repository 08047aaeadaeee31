// A real MCP server for tests: the SDK's McpServer behind its StreamableHTTPServerTransport on
// 127.0.0.1 port 0, one transport per session (stateful, random session ids, as deployed
// servers run it). Counts TCP connections, so a replay can prove it opened none.
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { defer } from './cleanup.js';

export interface McpUpstream {
  /** `http://127.0.0.1:PORT` (the MCP endpoint is `/mcp`). */
  url: string;
  connections: number;
  /** Tool calls the server executed, as `name(args)`. */
  calls: string[];
  /** Session ids the server handed out. */
  sessions: string[];
  stop(): Promise<void>;
}

/** Two tools: `add` (sum of two numbers) and `weather` (a canned forecast, with a log message on the way). */
function createToolServer(calls: string[]): McpServer {
  const server = new McpServer({ name: 'test-tools', version: '1.0.0' }, { capabilities: { logging: {} } });
  server.registerTool('add', { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) => {
    calls.push(`add(${a},${b})`);
    return { content: [{ type: 'text', text: String(a + b) }] };
  });
  server.registerTool(
    'weather',
    { description: 'Current weather for a city', inputSchema: { city: z.string() } },
    async ({ city }, extra) => {
      calls.push(`weather(${city})`);
      await extra.sendNotification({ method: 'notifications/message', params: { level: 'info', data: `looking up ${city}` } });
      return { content: [{ type: 'text', text: JSON.stringify({ city, temperature_c: 21, sky: 'sunny' }) }] };
    },
  );
  return server;
}

/** Starts the MCP server; `json: true` answers POSTs with JSON bodies instead of SSE streams. */
export async function startMcpUpstream(opts: { json?: boolean } = {}): Promise<McpUpstream> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const calls: string[] = [];
  const sessions: string[] = [];
  const http = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      const body: unknown = text ? JSON.parse(text) : undefined;
      const sid = req.headers['mcp-session-id'];
      let transport = typeof sid === 'string' ? transports.get(sid) : undefined;
      if (!transport && req.method === 'POST' && (body as { method?: string } | undefined)?.method === 'initialize') {
        const created = new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          enableJsonResponse: opts.json === true,
          onsessioninitialized: (id) => {
            transports.set(id, created);
            sessions.push(id);
          },
        });
        created.onclose = () => {
          if (created.sessionId) transports.delete(created.sessionId);
        };
        await createToolServer(calls).connect(created);
        transport = created;
      }
      if (!transport) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } }));
        return;
      }
      await transport.handleRequest(req, res, body);
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    });
  });
  const upstream: McpUpstream = { url: '', connections: 0, calls, sessions, stop: async () => {} };
  http.on('connection', () => upstream.connections++);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  let stopped: Promise<void> | undefined;
  upstream.stop = () =>
    (stopped ??= (async () => {
      for (const t of transports.values()) await t.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    })());
  defer(upstream.stop);
  return upstream;
}

/** A config file declaring the MCP server `tools` at `upstream`; returns its path. */
export function mcpConfig(dir: string, upstream: string): string {
  const path = join(dir, 'cassette.config.json');
  writeFileSync(path, JSON.stringify({ providers: [{ name: 'tools', upstream, family: 'mcp' }] }));
  return path;
}
