// A real node:http server on 127.0.0.1:0 standing in for a provider API. It answers with corpus
// interactions (their recorded status, headers and bytes), counts TCP connections and requests,
// and keeps every request it received so tests can assert what went upstream.
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { defer } from './cleanup.js';
import { corpus, isEventStream, responseText, splitSseEvents } from './corpus.js';
import type { CorpusInteraction } from './corpus.js';

export interface ReceivedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  path: string;
  /** Raw query without `?`. */
  query: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body as UTF-8 text. */
  text: string;
  /** The body parsed as JSON (undefined if it is not JSON). */
  json: any;
}

export type Handler = (req: ReceivedRequest, res: ServerResponse) => void | Promise<void>;

/** A corpus file name, a corpus interaction (possibly edited), or a hand-written handler. */
export type Answer = string | CorpusInteraction | Handler;

export interface Route {
  when?: (req: ReceivedRequest) => boolean;
  answer: Answer;
  /** How many requests this route answers (default: any number). */
  times?: number;
}

export interface FakeUpstreamOptions {
  /** Answers used once each, in order, before any route. */
  queue?: Answer[];
  /** First matching route answers. */
  routes?: Route[];
  /** Delay between SSE events (default 2 ms). */
  eventDelayMs?: number;
}

export interface FakeUpstream {
  readonly url: string;
  readonly port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Every request received, in order. */
  readonly requests: ReceivedRequest[];
  /** Requests no queue entry or route could answer (they got a 500). */
  readonly unanswered: ReceivedRequest[];
  stop(): Promise<void>;
}

/** Starts a fake upstream; it is stopped after the test. */
export async function startFakeUpstream(spec: Answer | FakeUpstreamOptions): Promise<FakeUpstream> {
  const options: FakeUpstreamOptions = typeof spec === 'object' && !('request' in spec) ? spec : { routes: [{ answer: spec }] };
  const queue = [...(options.queue ?? [])];
  const routes = (options.routes ?? []).map((r) => ({ ...r, left: r.times ?? Infinity }));
  const eventDelayMs = options.eventDelayMs ?? 2;
  const requests: ReceivedRequest[] = [];
  const unanswered: ReceivedRequest[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;

  const server = createServer(async (req, res) => {
    const received = await receive(req);
    requests.push(received);
    let answer: Answer | undefined = queue.shift();
    if (answer === undefined) {
      const route = routes.find((r) => r.left > 0 && (r.when?.(received) ?? true));
      if (route) {
        route.left--;
        answer = route.answer;
      }
    }
    try {
      if (answer === undefined) {
        unanswered.push(received);
        sendJson(res, 500, { error: { message: `fake upstream: no answer for ${received.method} ${received.url}` } });
      } else if (typeof answer === 'function') {
        await answer(received, res);
      } else {
        await serveCorpus(res, typeof answer === 'string' ? corpus(answer) : answer, { eventDelayMs });
      }
    } catch {
      res.destroy();
    }
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    return stopped;
  };
  defer(stop);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    requests,
    unanswered,
    stop,
  };
}

async function receive(req: IncomingMessage): Promise<ReceivedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const text = body.toString('utf8');
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return {
    method: req.method ?? 'GET',
    url,
    path: q === -1 ? url : url.slice(0, q),
    query: q === -1 ? '' : url.slice(q + 1),
    headers: req.headers,
    body,
    text,
    json,
  };
}

/** Transport headers of the recording: this server's own framing replaces them. */
const FRAMING = new Set(['transfer-encoding', 'connection', 'keep-alive', 'content-length', 'content-encoding']);

/**
 * Writes a corpus interaction with its recorded status and headers. When the corpus kept the gzip
 * bytes they are sent as they were (with `content-encoding: gzip`); otherwise the decoded text,
 * with a correct content-length. SSE bodies go out one event at a time, `eventDelayMs` apart.
 */
export async function serveCorpus(res: ServerResponse, i: CorpusInteraction, opts: { eventDelayMs?: number } = {}): Promise<void> {
  const delay = opts.eventDelayMs ?? 2;
  const grouped = new Map<string, { name: string; values: string[] }>();
  for (const [name, values] of Object.entries(i.response.headers)) {
    const lower = name.toLowerCase();
    if (FRAMING.has(lower)) continue;
    const entry = grouped.get(lower) ?? { name, values: [] };
    entry.values.push(...values);
    grouped.set(lower, entry);
  }
  const headers: Record<string, string | string[]> = {};
  for (const { name, values } of grouped.values()) headers[name] = values.length === 1 ? (values[0] as string) : values;
  const stream = isEventStream(i) && i.status < 300;

  if (i.response.body_encoding_as_stored === 'gzip' && i.response.body_base64_as_stored) {
    const bytes = Buffer.from(i.response.body_base64_as_stored, 'base64');
    headers['Content-Encoding'] = 'gzip';
    if (!stream) {
      headers['Content-Length'] = String(bytes.length);
      res.writeHead(i.status, headers);
      res.end(bytes);
      return;
    }
    // A compressed stream: the gzip bytes in a few pieces, as a real server flushes them.
    res.writeHead(i.status, headers);
    const size = Math.ceil(bytes.length / 3);
    for (let at = 0; at < bytes.length; at += size) {
      res.write(bytes.subarray(at, at + size));
      await sleep(delay);
    }
    res.end();
    return;
  }

  const text = responseText(i);
  if (!stream) {
    const bytes = Buffer.from(text, 'utf8');
    headers['Content-Length'] = String(bytes.length);
    res.writeHead(i.status, headers);
    res.end(bytes);
    return;
  }
  res.writeHead(i.status, headers);
  res.flushHeaders();
  for (const event of splitSseEvents(text)) {
    if (res.destroyed) return;
    res.write(event);
    await sleep(delay);
  }
  res.end();
}

/** A JSON answer with content-length. */
export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(bytes.length), ...headers });
  res.end(bytes);
}

/** A port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
