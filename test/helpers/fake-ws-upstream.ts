// A WebSocket server on 127.0.0.1:0 standing in for a provider's socket API. It plays a fixture
// session (test/fixtures/websocket/*.json): the frames a provider sends on connect, then for each
// client frame the reply of the first unused turn whose `expect` the frame contains. It counts
// connections and keeps what it received, so tests can assert what went upstream.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { defer } from './cleanup.js';

export const WS_FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'websocket');

export interface FixtureTurn {
  /** A client frame matches when it contains these fields (deep, arrays by position). */
  expect: Record<string, unknown>;
  reply: unknown[];
}

export interface FixtureSession {
  description: string;
  /** Send server frames as binary (Gemini Live does). */
  binary?: boolean;
  /** The subprotocol the server picks when the client offers it. */
  protocol?: string;
  onConnect: unknown[];
  turns: FixtureTurn[];
  /** Close after the last turn's reply with this code (else wait for the client). */
  closeAfterLastTurn?: { code: number; reason: string };
}

export interface ReceivedUpgrade {
  url: string;
  headers: IncomingHttpHeaders;
  frames: string[];
}

export interface FakeWsUpstream {
  url: string;
  connections: number;
  upgrades: ReceivedUpgrade[];
  stop(): Promise<void>;
}

/** Reads a fixture session, expanding `"<pcm16:N>"` into N bytes of base64 PCM (a deterministic tone). */
export function loadWsFixture(name: string): FixtureSession {
  const text = readFileSync(join(WS_FIXTURES, name), 'utf8');
  return JSON.parse(text, (_k, v: unknown) =>
    typeof v === 'string' && /^<pcm16:\d+>$/.test(v) ? pcm16(Number(v.slice(7, -1))) : v,
  ) as FixtureSession;
}

/** `bytes` of 16-bit little-endian PCM: a 440 Hz tone at 24 kHz, as base64. */
export function pcm16(bytes: number): string {
  const buf = Buffer.alloc(bytes - (bytes % 2));
  for (let i = 0; i < buf.length / 2; i++) buf.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 24000)), i * 2);
  return buf.toString('base64');
}

export async function startFakeWsUpstream(fixture: FixtureSession): Promise<FakeWsUpstream> {
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"upgrade required"}}');
  });
  server.on('connection', (s: Socket) => {
    state.connections++;
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const wss = new WebSocketServer({
    server,
    handleProtocols: (offered) => (fixture.protocol && offered.has(fixture.protocol) ? fixture.protocol : false),
  });
  const state: FakeWsUpstream = { url: '', connections: 0, upgrades: [], stop: async () => undefined };
  wss.on('connection', (ws: WebSocket, req) => {
    const upgrade: ReceivedUpgrade = { url: req.url ?? '', headers: req.headers, frames: [] };
    state.upgrades.push(upgrade);
    const used = new Set<number>();
    const send = (frame: unknown): void => ws.send(Buffer.from(JSON.stringify(frame)), { binary: fixture.binary === true });
    for (const f of fixture.onConnect) send(f);
    ws.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      upgrade.frames.push(text);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return;
      }
      const i = fixture.turns.findIndex((t, n) => !used.has(n) && contains(json, t.expect));
      if (i < 0) {
        send({ type: 'error', error: { type: 'invalid_request_error', message: `fake upstream: no turn expects ${text.slice(0, 200)}` } });
        return;
      }
      used.add(i);
      for (const f of (fixture.turns[i] as FixtureTurn).reply) send(f);
      if (used.size === fixture.turns.length && fixture.closeAfterLastTurn)
        ws.close(fixture.closeAfterLastTurn.code, fixture.closeAfterLastTurn.reason);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let stopped: Promise<void> | undefined;
  state.stop = () =>
    (stopped ??= new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      for (const s of sockets) s.destroy();
      wss.close();
      server.close(() => resolve());
    }));
  defer(state.stop);
  return state;
}

function contains(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return actual === expected;
  if (actual === null || typeof actual !== 'object') return false;
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.every((e, i) => contains(actual[i], e));
  return Object.entries(expected as Record<string, unknown>).every(([k, v]) => contains((actual as Record<string, unknown>)[k], v));
}
