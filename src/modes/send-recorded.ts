import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Timing } from '../config/load-config.js';
import { decodeBody } from '../match/body-codec.js';
import type { RecordedResponse } from '../types.js';
import { streamEventBytes } from '../stream/event-bytes.js';
import { isTransportHeader } from '../upstream/normalize-headers.js';

/** A stored answer made ready for the wire once, then served many times. */
export interface PreparedResponse {
  status: number;
  /** Flat `[name, value, name, value, ...]`, as `writeHead` takes it without re-walking an object. */
  headers: string[];
  /** Whole body, for non-streamed answers. */
  body?: Buffer;
  /** Event bytes and offsets, for streams. */
  events?: { ms: number; bytes: Buffer }[];
  /** All events in one buffer, for instant replay: the same bytes in one write instead of one per event. */
  joined?: Buffer;
}

/**
 * Renders a stored response for the wire once: decoded bytes, fresh content-length, no stale
 * encodings, and `extraHeaders` (x-cassette-outcome, ...) folded in.
 */
export function prepareResponse(response: RecordedResponse, extraHeaders: Record<string, string> = {}): PreparedResponse {
  const headers: string[] = [];
  // Stored bodies are decoded, except one kept still encoded (an opaque interaction: bytes and
  // their content-encoding stored together, sent together).
  const encoded = response.body?.kind === 'base64' && response.stream === undefined;
  for (const [k, v] of Object.entries(response.headers)) {
    // Framing headers are the wire's business, set fresh below. Older stores may hold other
    // transport headers (`trailer` made Node refuse the answer): skipped too.
    if (k === 'content-encoding' ? !encoded : isTransportHeader(k) || k in extraHeaders) continue;
    for (const value of Array.isArray(v) ? v : [v]) headers.push(k, value);
  }
  for (const [k, v] of Object.entries(extraHeaders)) headers.push(k, v);
  if (response.stream) {
    if (!('cache-control' in response.headers)) headers.push('cache-control', 'no-cache');
    const { format } = response.stream;
    const events = response.stream.events.map((e) => ({ ms: e.ms, bytes: streamEventBytes(format, e) }));
    return { status: response.status, headers, events, joined: Buffer.concat(events.map((e) => e.bytes)) };
  }
  const body = response.body ? decodeBody(response.body) : Buffer.alloc(0);
  headers.push('content-length', String(body.length));
  return { status: response.status, headers, body };
}

/**
 * A prepared answer adjusted to the request replaying it (`Provider.replayRewrite`): the same
 * object when the rewrite changes nothing, so a cached answer is copied only when it must differ.
 */
export function rewritePrepared(p: PreparedResponse, rewrite: (text: string, part: 'body' | 'event') => string): PreparedResponse {
  if (p.events) {
    let changed = false;
    const events = p.events.map((e) => {
      const text = e.bytes.toString('utf8');
      const out = rewrite(text, 'event');
      if (out === text) return e;
      changed = true;
      return { ms: e.ms, bytes: Buffer.from(out, 'utf8') };
    });
    return changed ? { ...p, events, joined: Buffer.concat(events.map((e) => e.bytes)) } : p;
  }
  if (!p.body || p.body.length === 0) return p;
  const text = p.body.toString('utf8');
  const out = rewrite(text, 'body');
  if (out === text) return p;
  const body = Buffer.from(out, 'utf8');
  const headers = [...p.headers];
  for (let i = 0; i < headers.length; i += 2) if (headers[i] === 'content-length') headers[i + 1] = String(body.length);
  return { ...p, headers, body };
}

export interface SendOptions {
  timing: Timing;
  /** Keep a stream open after its last event until the client closes it (`Provider.clientEndsStream`). */
  holdOpen?: boolean;
  /** Stop after this many stream events and cut the connection (chaos `truncate`). */
  truncateAfterEvents?: number;
}

/**
 * Writes a prepared answer; stream events keep their framing and, if asked, their timing. Returns
 * a promise only when it has to wait (recorded timing).
 */
export function sendPrepared(res: ServerResponse, p: PreparedResponse, options: SendOptions): Promise<void> | undefined {
  const headers = p.headers;
  if (!p.events) {
    if (options.truncateAfterEvents !== undefined && p.body) {
      res.writeHead(p.status, headers.slice(0, -2));
      res.write(p.body.subarray(0, Math.floor(p.body.length / 2)));
      res.destroy();
      return;
    }
    res.writeHead(p.status, headers);
    res.end(p.body);
    return;
  }
  res.writeHead(p.status, headers);
  if (options.holdOpen) {
    res.flushHeaders();
    return writeEvents(res, p.events, options).then(() => untilClosed(res));
  }
  if (options.timing === 'instant' && options.truncateAfterEvents === undefined && p.joined) {
    res.end(p.joined);
    return;
  }
  return writeEvents(res, p.events, options);
}

async function writeEvents(res: ServerResponse, events: NonNullable<PreparedResponse['events']>, options: SendOptions): Promise<void> {
  const factor = options.timing === 'instant' ? 0 : options.timing === 'recorded' ? 1 : options.timing;
  const started = performance.now();
  let n = 0;
  for (const e of events) {
    if (res.destroyed) return;
    if (options.truncateAfterEvents !== undefined && n >= options.truncateAfterEvents) {
      res.destroy();
      return;
    }
    if (factor > 0) {
      const wait = e.ms * factor - (performance.now() - started);
      if (wait > 1) await sleep(wait);
    }
    res.write(e.bytes);
    n++;
  }
  if (!options.holdOpen) res.end();
}

/** Resolves when the client has gone (a held-open stream ends only that way). */
function untilClosed(res: ServerResponse): Promise<void> {
  if (res.destroyed || res.closed) return Promise.resolve();
  return new Promise((resolve) => res.once('close', () => resolve()));
}
