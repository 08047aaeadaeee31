import type { ServerResponse } from 'node:http';
import { once } from 'node:events';
import { Agent, errors as undiciErrors, request } from 'undici';
import { CassetteError } from '../errors.js';
import type { Redactor } from '../safety/create-redactor.js';
import { detectStreamFormat } from '../stream/detect-stream-format.js';
import type { Timings } from '../types.js';
import { ResponseCapture } from './response-capture.js';
import type { CapturedBody } from './response-capture.js';

export interface ForwardInput {
  method: string;
  url: URL;
  headers: Record<string, string | string[]>;
  body: Buffer;
  /** Where the answer goes, chunk by chunk as it arrives. */
  res: ServerResponse;
  /** Extra headers for the client (`x-cassette-outcome`). */
  extraHeaders: Record<string, string>;
  startedAt: number;
  /** Record a decoded copy; false for passthrough. */
  capture: boolean;
  redactor: Redactor;
  /** Path and query below the provider prefix, to tell a stream's format. */
  path: string;
  query: string;
  /** Cut the body after this many bytes and close (chaos `truncate`). */
  truncateAfterBytes?: number;
  /**
   * Leave the answer unfinished for the caller: a complete answer is not ended (and the last
   * chunk of a content-length body is not written) until `release(true)`, so a client never holds
   * a complete answer that is not recorded yet, and a failed recording can still cut it.
   */
  holdEnd?: boolean;
}

export interface ForwardResult extends CapturedBody {
  status: number;
  headers: Record<string, string | string[]>;
  complete: boolean;
  timings: Timings;
  /**
   * With `holdEnd`: finishes the client's answer (`ok`) or cuts it (`!ok`). A no-op when the
   * answer was already ended or cut. Returns false when `!ok` found nothing sent yet: the response
   * is untouched, so the caller can still send an error status.
   */
  release(ok: boolean): boolean;
}

/** Response headers that describe the upstream connection, not the answer. */
const HOP_RESPONSE = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'trailer', 'upgrade']);

/** One keep-alive pool for all upstreams; timeouts come from config `limits`. */
export function createUpstreamAgent(limits: { upstreamTimeoutMs: number; idleTimeoutMs: number }): Agent {
  return new Agent({
    keepAliveTimeout: 10_000,
    connections: 256,
    headersTimeout: limits.upstreamTimeoutMs,
    bodyTimeout: limits.idleTimeoutMs,
    connectTimeout: Math.min(limits.upstreamTimeoutMs, 30_000),
  });
}

/**
 * Sends a request upstream and tees the answer: each chunk is written to the client as soon as it
 * arrives (waiting on backpressure), and a decoded copy is captured for the store. A cut on
 * either side is passed on as the same cut and recorded as incomplete.
 * Throws CassetteError upstream_unreachable / upstream_timeout when no answer began.
 */
export async function forwardRequest(input: ForwardInput, agent: Agent): Promise<ForwardResult> {
  const { res } = input;
  const abort = new AbortController();
  const onClientClose = (): void => {
    if (!res.writableFinished) abort.abort();
  };
  res.once('close', onClientClose);
  let upstream: Awaited<ReturnType<typeof request>>;
  try {
    upstream = await request(input.url, {
      method: input.method as 'POST',
      headers: input.headers,
      body: input.body.length > 0 ? input.body : null,
      dispatcher: agent,
      signal: abort.signal,
    });
  } catch (err) {
    res.off('close', onClientClose);
    if (abort.signal.aborted) {
      throw new CassetteError('client_closed_request', 'the client closed the connection before the upstream answered', { cause: err });
    }
    throw upstreamError(err, input.url);
  }
  const ttfbMs = performance.now() - input.startedAt;
  const headers = flattenHeaders(upstream.headers);
  const contentType = first(headers['content-type']);
  const format = detectStreamFormat(contentType, input.path, input.query);
  const capture = input.capture
    ? new ResponseCapture({
        startedAt: input.startedAt,
        contentType,
        contentEncoding: first(headers['content-encoding']),
        // An error answer under a stream content type (Gemini 404) is one JSON body, not events.
        format: upstream.statusCode < 300 ? format : undefined,
        redactor: input.redactor,
      })
    : undefined;

  const outHeaders: Record<string, string | string[]> = { ...input.extraHeaders };
  for (const [k, v] of Object.entries(headers)) if (!HOP_RESPONSE.has(k)) outHeaders[k] = v;
  let truncateAt = input.truncateAfterBytes;
  if (truncateAt !== undefined) {
    // A cut must cut: never past the end of a body whose length is known.
    const length = Number(first(headers['content-length']));
    if (Number.isFinite(length) && length > 0) truncateAt = Math.min(truncateAt, length - 1);
    delete outHeaders['content-length'];
  }
  // holdEnd with a content-length body: the client would take it as complete once every byte is
  // there, so its last chunk waits for release(). (A chunked body is held by not ending it.)
  const holdLast = input.holdEnd === true && truncateAt === undefined && headers['content-length'] !== undefined;
  let held: Buffer | undefined;
  // The status line waits for the first byte of a held body: an answer that fits in one chunk
  // has then sent nothing when release(false) comes, and the caller can still answer 5xx.
  let headWritten = false;
  const writeHead = (): void => {
    if (headWritten) return;
    headWritten = true;
    res.writeHead(upstream.statusCode, outHeaders);
  };
  if (!holdLast || format) writeHead();
  if (format) res.flushHeaders();

  let complete = true;
  let sent = 0;
  try {
    for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
      if (res.destroyed) {
        complete = false;
        break;
      }
      let piece = chunk;
      if (truncateAt !== undefined && sent + chunk.length >= truncateAt) {
        piece = chunk.subarray(0, Math.max(0, truncateAt - sent));
      }
      capture?.push(piece);
      sent += piece.length;
      let out: Buffer | undefined = piece;
      if (holdLast) [out, held] = [held, piece];
      if (out) writeHead();
      if (out && !res.write(out)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      if (piece !== chunk) {
        complete = false;
        break;
      }
    }
  } catch {
    complete = false;
  } finally {
    res.off('close', onClientClose);
  }
  if (!complete) {
    abort.abort();
    upstream.body.destroy();
    // The client of a cut stream gets the same cut, not a made-up ending.
    res.destroy();
  } else if (res.destroyed) {
    complete = false;
  } else if (!input.holdEnd) {
    res.end();
  }
  const release = (ok: boolean): boolean => {
    if (res.writableEnded || res.destroyed) return true;
    if (ok) {
      writeHead();
      res.end(held);
    } else if (headWritten) {
      res.destroy();
    } else {
      // Nothing went out: the response is left to the caller's own error answer.
      return false;
    }
    return true;
  };
  let captured: CapturedBody;
  try {
    captured = capture ? await capture.finish(complete) : {};
  } catch (err) {
    release(false);
    throw err;
  }
  return {
    status: upstream.statusCode,
    headers,
    ...captured,
    complete,
    timings: { ttfbMs: round(ttfbMs), totalMs: round(performance.now() - input.startedAt) },
    release,
  };
}

function upstreamError(err: unknown, url: URL): CassetteError {
  const target = `${url.protocol}//${url.host}`;
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.ConnectTimeoutError) {
    return new CassetteError('upstream_timeout', `the upstream ${target} did not answer in time`, {
      cause: err,
      hint: 'Raise limits.upstreamTimeoutMs in cassette.config.json, or check the upstream.',
    });
  }
  const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
  return new CassetteError('upstream_unreachable', `cannot reach the upstream ${target}${code ? ` (${code})` : ''}`, {
    cause: err,
    hint: 'Check --upstream / CASSETTE_UPSTREAM_<NAME> and the network, or replay with --mode golden.',
  });
}

function flattenHeaders(h: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = v;
  return out;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
