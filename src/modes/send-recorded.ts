import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Timing } from '../config/load-config.js';
import { decodeBody } from '../match/body-codec.js';
import type { RecordedResponse, StoredStream } from '../types.js';
import { isBinaryStreamFormat } from '../stream/event-bytes.js';
import { isTransportHeader } from '../upstream/normalize-headers.js';

/** A stored answer made ready for the wire once, then served many times. */
export interface PreparedResponse {
  status: number;
  /** Flat `[name, value, name, value, ...]`, as `writeHead` takes it without re-walking an object. */
  headers: string[];
  /** Whole body, for non-streamed answers. */
  body?: Buffer;
  /** Streams: every event's bytes, one after the other. */
  events?: PreparedEvents;
}

/**
 * A stream's events as the wire takes them: all their bytes in one buffer (instant replay writes it
 * at once) and, per event, where it ends and when it came. A handful of objects per answer, not
 * two per event: golden keeps thousands of answers ready, and every object kept is one more for
 * each garbage collection to walk.
 */
export interface PreparedEvents {
  bytes: Buffer;
  /** Offset in `bytes` just past each event. */
  ends: Uint32Array;
  /** Milliseconds since the request started, per event. */
  ms: Float64Array;
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
    return { status: response.status, headers, events: prepareEvents(response.stream) };
  }
  const body = response.body ? ownBuffer(decodeBody(response.body)) : Buffer.alloc(0);
  headers.push('content-length', String(body.length));
  return { status: response.status, headers, body };
}

/**
 * Bytes in an allocation of their own. Buffer.from() puts small buffers in shared 8 KiB pool
 * slabs: a kept answer would keep its whole slab alive, with whatever else was cut from it.
 */
function ownBuffer(b: Buffer): Buffer {
  if (b.length === 0 || b.byteLength === b.buffer.byteLength) return b;
  const own = Buffer.allocUnsafeSlow(b.length);
  b.copy(own);
  return own;
}

/** Each recorded event's exact bytes (its base64 when it was not UTF-8; base64 `raw` for a binary format), in one buffer. */
function prepareEvents(stream: StoredStream): PreparedEvents {
  const binary = isBinaryStreamFormat(stream.format);
  const n = stream.events.length;
  const texts: string[] = new Array<string>(n);
  const encodings: BufferEncoding[] = new Array<BufferEncoding>(n);
  const ms = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = stream.events[i] as StoredStream['events'][number];
    const [text, encoding]: [string, BufferEncoding] = e.base64 !== undefined ? [e.base64, 'base64'] : [e.raw, binary ? 'base64' : 'utf8'];
    texts[i] = text;
    encodings[i] = encoding;
    ms[i] = e.ms;
    total += Buffer.byteLength(text, encoding);
  }
  const bytes = Buffer.allocUnsafeSlow(total);
  const ends = new Uint32Array(n);
  let at = 0;
  for (let i = 0; i < n; i++) ends[i] = at += bytes.write(texts[i] as string, at, encodings[i]);
  return { bytes: at === total ? bytes : bytes.subarray(0, at), ends, ms };
}

/** The bytes of event `i`. */
export function eventBytes(events: PreparedEvents, i: number): Buffer {
  return events.bytes.subarray(i === 0 ? 0 : events.ends[i - 1], events.ends[i]);
}

/**
 * A prepared answer adjusted to the request replaying it (`Provider.replayRewrite`): the same
 * object when the rewrite changes nothing, so a cached answer is copied only when it must differ.
 */
export function rewritePrepared(p: PreparedResponse, rewrite: (text: string, part: 'body' | 'event') => string): PreparedResponse {
  if (p.events) {
    const { ends, ms } = p.events;
    let changed = false;
    const parts = Array.from(ends, (_, i) => {
      const bytes = eventBytes(p.events as PreparedEvents, i);
      const text = bytes.toString('utf8');
      const out = rewrite(text, 'event');
      if (out === text) return bytes;
      changed = true;
      return Buffer.from(out, 'utf8');
    });
    if (!changed) return p;
    const rewritten = new Uint32Array(ends.length);
    let at = 0;
    parts.forEach((b, i) => (rewritten[i] = at += b.length));
    return { ...p, events: { bytes: Buffer.concat(parts), ends: rewritten, ms } };
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
  if (options.timing === 'instant' && options.truncateAfterEvents === undefined) {
    res.end(p.events.bytes);
    return;
  }
  return writeEvents(res, p.events, options);
}

async function writeEvents(res: ServerResponse, events: PreparedEvents, options: SendOptions): Promise<void> {
  const factor = options.timing === 'instant' ? 0 : options.timing === 'recorded' ? 1 : options.timing;
  const started = performance.now();
  for (let n = 0; n < events.ends.length; n++) {
    if (res.destroyed) return;
    if (options.truncateAfterEvents !== undefined && n >= options.truncateAfterEvents) {
      res.destroy();
      return;
    }
    if (factor > 0) {
      const wait = (events.ms[n] as number) * factor - (performance.now() - started);
      if (wait > 1) await sleep(wait);
    }
    res.write(eventBytes(events, n));
  }
  if (!options.holdOpen) res.end();
}

/** Resolves when the client has gone (a held-open stream ends only that way). */
function untilClosed(res: ServerResponse): Promise<void> {
  if (res.destroyed || res.closed) return Promise.resolve();
  return new Promise((resolve) => res.once('close', () => resolve()));
}
