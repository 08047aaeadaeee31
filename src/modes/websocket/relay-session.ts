import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket } from 'ws';
import type { WebSocketServer } from 'ws';
import type { RawFrame } from './encode-frames.js';
import { closeWith } from './replay-session.js';
import { writeHttpResponse } from './reject-upgrade.js';

/** Bytes queued on one side before the other side is paused (backpressure). */
const HIGH_WATER = 1 << 20;

export interface RelayTarget {
  url: string;
  /** Subprotocols exactly as the client offered them (credentials included: the provider needs them). */
  protocols: string[];
  headers: Record<string, string | string[]>;
  handshakeTimeoutMs: number;
  /** performance.now() when the upgrade request arrived: frame times count from it. */
  startedAt: number;
  /** Keep a copy of every frame (live, record-missing, smoke). */
  keepFrames: boolean;
  /** Chaos: drop both sockets after this many frames (either way). */
  dropAfterFrames?: number;
  /** Chaos: hold each frame this long before passing it on. */
  delayMs?: number;
}

export interface RelayResult {
  /** 101 when the upstream accepted the upgrade; its status otherwise (passed to the client as is). */
  status: number;
  protocol: string | undefined;
  frames: RawFrame[];
  close: { by: 'client' | 'server'; code: number; reason: string; ms: number } | undefined;
  openMs: number;
  totalMs: number;
  /** Why the upstream could not be reached, when it could not. */
  error?: Error;
}

/**
 * A transparent relay: opens the upstream socket first (so its refusal reaches the client as the
 * HTTP answer it is, and its chosen subprotocol is the one the client gets), then accepts the
 * client and passes frames both ways as they come: text stays text, binary stays binary, close
 * codes and reasons are carried, each side's pings are answered by `ws` itself, and a side that
 * cannot keep up pauses the other.
 */
export function relaySession(
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: RelayTarget,
  onAccepted: (client: WebSocket) => void,
  chooseProtocol: (protocol: string | undefined) => void,
): Promise<RelayResult> {
  const now = (): number => performance.now() - target.startedAt;
  return new Promise((resolve) => {
    const frames: RawFrame[] = [];
    let close: RelayResult['close'];
    let openMs = 0;
    let settled = false;
    const finish = (r: Omit<RelayResult, 'frames' | 'close' | 'openMs' | 'totalMs'>): void => {
      if (settled) return;
      settled = true;
      resolve({ ...r, frames, close, openMs, totalMs: now() });
    };
    const upstream = new WebSocket(target.url, target.protocols, {
      headers: target.headers,
      perMessageDeflate: false,
      handshakeTimeout: target.handshakeTimeoutMs,
      maxPayload: 0,
    });
    upstream.binaryType = 'nodebuffer';
    socket.on('error', () => upstream.terminate());
    upstream.once('unexpected-response', (_r, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(res.headers))
          if (v !== undefined && !/^(connection|upgrade|sec-websocket-)/.test(k)) headers[k] = v;
        writeHttpResponse(socket, res.statusCode ?? 502, headers, Buffer.concat(chunks), undefined);
        upstream.terminate();
        finish({ status: res.statusCode ?? 502, protocol: undefined });
      });
      res.on('error', () => {
        socket.destroy();
        finish({ status: 502, protocol: undefined });
      });
    });
    upstream.once('error', (err) => {
      if (openMs === 0) finish({ status: 0, protocol: undefined, error: err });
    });
    upstream.once('open', () => {
      openMs = now();
      const protocol = upstream.protocol || undefined;
      // The client gets the subprotocol the provider chose, and nothing else.
      chooseProtocol(protocol);
      wss.handleUpgrade(req, socket, head, (client) => {
        client.binaryType = 'nodebuffer';
        onAccepted(client);
        wire(client, upstream, protocol);
      });
    });

    const wire = (client: WebSocket, up: WebSocket, protocol: string | undefined): void => {
      let count = 0;
      const pass = (from: WebSocket, to: WebSocket, who: 'client' | 'server') => (data: Buffer, isBinary: boolean) => {
        if (target.keepFrames) frames.push({ ms: now(), from: who, binary: isBinary, data });
        count++;
        const send = (): void => {
          if (to.readyState !== WebSocket.OPEN) return;
          to.send(data, { binary: isBinary }, () => {
            if (from.isPaused && to.bufferedAmount < HIGH_WATER / 4) from.resume();
          });
          if (to.bufferedAmount > HIGH_WATER && !from.isPaused) from.pause();
        };
        if (target.delayMs) setTimeout(send, target.delayMs);
        else send();
        if (target.dropAfterFrames !== undefined && count >= target.dropAfterFrames) {
          // Chaos: both sockets drop without a close frame, as a network failure does.
          client.terminate();
          up.terminate();
        }
      };
      client.on('message', pass(client, up, 'client'));
      up.on('message', pass(up, client, 'server'));
      client.on('close', (code: number, reason: Buffer) => {
        close ??= { by: 'client', code, reason: reason.toString('utf8'), ms: now() };
        if (up.readyState === WebSocket.OPEN) closeWith(up, code, reason.toString('utf8'));
        else up.terminate();
        finish({ status: 101, protocol });
      });
      up.on('close', (code: number, reason: Buffer) => {
        close ??= { by: 'server', code, reason: reason.toString('utf8'), ms: now() };
        if (client.readyState === WebSocket.OPEN) closeWith(client, code, reason.toString('utf8'));
        else client.terminate();
        finish({ status: 101, protocol });
      });
      client.on('error', () => up.terminate());
      up.on('error', () => client.terminate());
    };
  });
}
