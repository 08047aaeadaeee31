import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { createMockResponse } from '../../src/providers/mock-kit/mock-response.js';
import { providerOfFamily } from '../../src/providers/registry.js';
import type { RecordedResponse, StoredBody } from '../../src/types.js';

export interface ParsedSse {
  event?: string;
  data: string;
  json?: any;
}

/** Parses SSE event texts the way a client would (event/data fields, JSON data decoded). */
export function parseSse(raws: string[]): ParsedSse[] {
  return raws.map((raw) => {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of raw.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    const text = data.join('\n');
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return event === undefined ? { data: text, json } : { event, data: text, json };
  });
}

/** Exact bytes the server would write for a stored body. */
export function bodyText(body: StoredBody | undefined): string {
  if (!body || body.kind === 'empty') return '';
  if (body.kind === 'json') return body.raw ?? JSON.stringify(body.json, null, body.indent ?? 0);
  if (body.kind === 'text') return body.text;
  return Buffer.from(body.base64, 'base64').toString('utf8');
}

/** Exact bytes of a whole response (body or concatenated stream events). */
export function responseText(response: RecordedResponse): string {
  return response.stream ? response.stream.events.map((e) => e.raw).join('') : bodyText(response.body);
}

/** Writes a RecordedResponse the way the proxy does: status, headers, body or events in order. */
export function writeRecorded(res: ServerResponse, response: RecordedResponse): void {
  if (response.stream) {
    res.writeHead(response.status, response.headers);
    for (const event of response.stream.events) res.write(event.raw);
    res.end();
    return;
  }
  const bytes = Buffer.from(bodyText(response.body));
  res.writeHead(response.status, { ...response.headers, 'content-length': String(bytes.length) });
  res.end(bytes);
}

export async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.length > 0 ? JSON.parse(text) : undefined;
}

export interface TestServer {
  url: string;
  close(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1:0 with the given handler. */
export async function listen(handler: (req: IncomingMessage, res: ServerResponse) => Promise<void> | void): Promise<TestServer> {
  const server: Server = createServer((req, res) => {
    Promise.resolve(handler(req, res)).catch((err: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** A stand-in proxy in mock mode: `/<family>/<path>` answered by createMockResponse. */
export function startMockServer(seed: number, seen: { method: string; path: string }[] = []): Promise<TestServer> {
  return listen(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, provider = '', ...rest] = url.pathname.split('/');
    const path = `/${rest.join('/')}`;
    seen.push({ method: req.method ?? 'GET', path });
    const response = createMockResponse(providerOfFamily(provider)!, {
      provider,
      method: req.method ?? 'GET',
      path,
      query: url.search,
      body: await readBody(req),
      seed,
    });
    writeRecorded(res, response);
  });
}

/** The mock answer for one request. */
export function mock(family: string, method: string, path: string, body?: unknown, seed = 0, query = ''): RecordedResponse {
  return createMockResponse(providerOfFamily(family)!, { provider: family, method, path, query, body, seed });
}

/** The parsed JSON body of a non-streamed answer. */
export function json(response: RecordedResponse): any {
  expect(response.body?.kind).toBe('json');
  return JSON.parse(responseText(response));
}

/** The parsed SSE events of a streamed answer. */
export function events(response: RecordedResponse): ParsedSse[] {
  expect(response.stream?.complete).toBe(true);
  return parseSse(response.stream!.events.map((e) => e.raw));
}
