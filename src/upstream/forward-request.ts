import type { ServerResponse } from 'node:http';
import { Agent, errors as undiciErrors } from 'undici';
import type { Dispatcher } from 'undici';
import { CassetteError } from '../errors.js';
import type { Redactor } from '../safety/create-redactor.js';
import { detectStreamFormat } from '../stream/detect-stream-format.js';
import type { Timings } from '../types.js';
import { interimTolerantConnector } from './interim-tolerant-connector.js';
import { connectionListed } from './normalize-headers.js';
import { ResponseCapture } from './response-capture.js';
import type { CapturedBody, CaptureLimits } from './response-capture.js';
import type { OffThreadFinisher } from './large-answer-task.js';

export interface ForwardInput {
  method: string;
  /** `http(s)://host[:port]` of the upstream. */
  origin: string;
  /** Path and query as the upstream gets them. */
  path: string;
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
  /** What the recorded copy may cost (config `limits`). */
  captureLimits: CaptureLimits;
  /** The provider's assembler kind for the call (asked only for a large answer, assembled off the event loop). */
  assemblerKind?: () => string;
  /** Finishes a large answer's recording off the event loop (src/modes/large-answer.ts). */
  offThread?: OffThreadFinisher;
  /** Path and query below the provider prefix, to tell a stream's format. */
  streamPath: string;
  query: string;
  /** Cut the body after this many bytes and close (chaos `truncate`). */
  truncateAfterBytes?: number;
  /**
   * Leave the answer unfinished for the caller: a complete answer is not ended (and the last
   * chunk of a content-length body is not written) until `release(true)`, so a client never holds
   * a complete answer that is not recorded yet, and a failed recording can still cut it.
   */
  holdEnd?: boolean;
  /**
   * The client, not the upstream, ends this answer (MCP's GET stream): its closing a stream that
   * began well is the answer's normal end, recorded as complete.
   */
  clientEnds?: boolean;
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

/**
 * How long the upstream may take to end its body after a client that had the whole answer (its
 * final event) hung up; past it the exchange is cut and recorded incomplete.
 */
const FINISH_AFTER_CLIENT_MS = 10_000;

/**
 * How long a recorded stream's final event may wait for the answer's end (to go out in one write
 * with it) when the upstream has not ended its body; then it is sent on its own.
 */
const HOLD_FINAL_EVENT_MS = 100;

/** Response headers that describe the upstream connection, not the answer. */
const HOP_RESPONSE = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'trailer', 'upgrade']);

/** The way out to the providers; only forwarding modes create one (golden never loads undici). */
export interface Upstream {
  /**
   * Sends a request upstream and tees the answer: each chunk is written to the client as soon as
   * it arrives (the upstream is paused while the client is slow), and a decoded copy is captured
   * for the store. A cut on either side is passed on as the same cut and recorded as incomplete.
   * Rejects with CassetteError upstream_unreachable / upstream_timeout / client_closed_request
   * when no answer began.
   */
  forward(input: ForwardInput): Promise<ForwardResult>;
  close(): Promise<void>;
}

/** One keep-alive pool for all upstreams; timeouts come from config `limits`. */
export function createUpstream(limits: { upstreamTimeoutMs: number; idleTimeoutMs: number }): Upstream {
  const agent = new Agent({
    keepAliveTimeout: 10_000,
    connections: 256,
    headersTimeout: limits.upstreamTimeoutMs,
    bodyTimeout: limits.idleTimeoutMs,
    // Our own connector only to let an unsolicited `100 Continue` through (undici refuses it).
    connect: interimTolerantConnector({ timeout: Math.min(limits.upstreamTimeoutMs, 30_000) }),
  });
  return {
    forward: (input) =>
      new Promise((resolve, reject) => {
        const { origin, path, headers, body } = input;
        const method = input.method as Dispatcher.HttpMethod;
        agent.dispatch({ origin, path, method, headers, body: body.length > 0 ? body : null }, new Exchange(input, resolve, reject));
      }),
    close: () => agent.close(),
  };
}

/** One upstream call, driven by undici's dispatcher callbacks (no stream or iterator in between). */
class Exchange implements Dispatcher.DispatchHandler {
  readonly #input: ForwardInput;
  readonly #resolve: (r: ForwardResult) => void;
  readonly #reject: (e: unknown) => void;
  #controller: Dispatcher.DispatchController | undefined;
  #clientGone = false;
  /** The client left after the stream's final event: the upstream is read to its end and recorded. */
  #finishing: NodeJS.Timeout | undefined;
  #status = 0;
  #headers: Record<string, string | string[]> = {};
  #outHeaders: Record<string, string | string[]> = {};
  #ttfbMs = 0;
  #capture: ResponseCapture | undefined;
  #truncateAt: number | undefined;
  /** A content-length body under holdEnd: its last chunk waits for release() (a stream's: its final event). */
  #holdLast = false;
  #held: Buffer | undefined;
  #heldTimer: NodeJS.Timeout | undefined;
  #headWritten = false;
  #bodyWritten = false;
  #sent = 0;
  #done = false;

  constructor(input: ForwardInput, resolve: (r: ForwardResult) => void, reject: (e: unknown) => void) {
    this.#input = input;
    this.#resolve = resolve;
    this.#reject = reject;
    input.res.on('close', this.#onClientClose);
  }

  readonly #onClientClose = (): void => {
    if (this.#input.res.writableFinished) return;
    this.#clientGone = true;
    const controller = this.#controller;
    if (controller && !this.#done && this.#capture?.sawFinalEvent()) {
      // SDKs (Mistral's, Cohere's) stop reading at `data: [DONE]` and close: the answer is whole
      // on the wire, so read the upstream to its end and record it, within a bound.
      this.#finishing = setTimeout(() => {
        controller.abort(new Error('client closed'));
        this.#finish(false);
      }, FINISH_AFTER_CLIENT_MS);
      this.#finishing.unref();
      if (controller.paused) controller.resume();
      return;
    }
    controller?.abort(new Error('client closed'));
  };

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#clientGone) controller.abort(new Error('client closed'));
  }

  onResponseStart(controller: Dispatcher.DispatchController, status: number, headers: Record<string, string | string[]>): void {
    // An interim answer (103 Early Hints, an unsolicited 100) is not the answer: wait for the final one.
    if (status < 200) return;
    const { res } = this.#input;
    this.#ttfbMs = performance.now() - this.#input.startedAt;
    this.#status = status;
    this.#headers = headers;
    const contentType = first(headers['content-type']);
    const format = detectStreamFormat(contentType, this.#input.streamPath, this.#input.query);
    if (this.#input.capture) {
      this.#capture = new ResponseCapture({
        startedAt: this.#input.startedAt,
        contentType,
        contentEncoding: first(headers['content-encoding']),
        // An error answer under a stream content type (Gemini 404) is one JSON body, not events.
        format: status < 300 ? format : undefined,
        redactor: this.#input.redactor,
        limits: this.#input.captureLimits,
        ...(this.#input.assemblerKind ? { assemblerKind: this.#input.assemblerKind } : {}),
        ...(this.#input.offThread ? { offThread: this.#input.offThread } : {}),
      });
    }
    // Copied key by key into an empty object, never `{ ...extraHeaders }` and then the upstream's:
    // on Node 20 adding keys to an object made by spreading costs 1.5-4 µs per response (V8 makes
    // a new map per key); key by key costs ~0.2 µs (bench/findings.md, "a key added after a spread").
    const out: Record<string, string | string[]> = {};
    const extra = this.#input.extraHeaders;
    for (const k in extra) out[k] = extra[k] as string;
    const listed = connectionListed(headers);
    for (const k in headers) if (!HOP_RESPONSE.has(k) && !listed.has(k)) out[k] = headers[k] as string | string[];
    this.#truncateAt = this.#input.truncateAfterBytes;
    if (this.#truncateAt !== undefined) {
      // A cut must cut: never past the end of a body whose length is known.
      const length = Number(first(headers['content-length']));
      if (Number.isFinite(length) && length > 0) this.#truncateAt = Math.min(this.#truncateAt, length - 1);
      delete out['content-length'];
    }
    this.#outHeaders = out;
    // holdEnd with a content-length body: the client would take it as complete once every byte is
    // there, so its last chunk waits for release(). (A chunked body is held by not ending it.)
    this.#holdLast = this.#input.holdEnd === true && this.#truncateAt === undefined && headers['content-length'] !== undefined;
    // The status line waits for the first byte of a held body: an answer that fits in one chunk
    // has then sent nothing when release(false) comes, and the caller can still answer 5xx.
    if (!this.#holdLast || format) this.#writeHead();
    // A stream's status line goes out at once, so the client sees the answer begin even while
    // the upstream thinks; but not on its own packet when the first event came in the same read
    // (the usual case): one write then carries both.
    if (format) setImmediate(this.#flushHead);
    if (res.destroyed) controller.abort(new Error('client closed'));
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const { res } = this.#input;
    if (this.#done) return;
    if (this.#finishing) {
      this.#capture?.push(chunk);
      if (this.#capture?.dropped) {
        controller.abort(new Error('client closed'));
        this.#finish(false);
      }
      return;
    }
    if (res.destroyed) {
      controller.abort(new Error('client closed'));
      return;
    }
    let piece = chunk;
    const cut = this.#truncateAt !== undefined && this.#sent + chunk.length >= this.#truncateAt;
    if (cut) piece = chunk.subarray(0, Math.max(0, (this.#truncateAt as number) - this.#sent));
    this.#capture?.push(piece);
    this.#sent += piece.length;
    let out: Buffer | undefined = piece;
    if (this.#holdLast) [out, this.#held] = [this.#held, piece];
    else if (this.#input.holdEnd === true && this.#capture && !cut) out = this.#holdFinalEvent(this.#capture, piece);
    if (out) {
      this.#writeHead();
      this.#bodyWritten = true;
      if (!res.write(out) && !controller.paused) {
        controller.pause();
        res.once('drain', () => controller.resume());
      }
    }
    if (cut) {
      controller.abort(new Error('truncated (chaos)'));
      this.#finish(false);
    }
  }

  onResponseEnd(): void {
    this.#finish(this.#finishing !== undefined || !this.#input.res.destroyed);
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (this.#status === 0) {
      this.#done = true;
      this.#input.res.off('close', this.#onClientClose);
      if (this.#clientGone) {
        this.#reject(
          new CassetteError('client_closed_request', 'the client closed the connection before the upstream answered', { cause: err }),
        );
      } else {
        this.#reject(upstreamError(err, this.#input.origin));
      }
      return;
    }
    this.#finish(false);
  }

  /**
   * Under holdEnd, a recorded stream's final event (`data: [DONE]`, `message_stop`) waits with the
   * end for release(), so both go out in one write, not two (issue 20); the client gets no whole
   * answer before it is stored either way. Bytes held before go out first, in order.
   */
  #holdFinalEvent(capture: ResponseCapture, piece: Buffer): Buffer | undefined {
    const keep = capture.finalEventBytes(piece);
    const held = this.#held;
    this.#held = keep > 0 ? piece.subarray(piece.length - keep) : undefined;
    // An upstream that keeps the body open after its final event: the client gets the event
    // anyway (an SDK that stops reading there then hangs up, and the answer is recorded as before).
    if (keep > 0) this.#heldTimer ??= setTimeout(this.#flushHeld, HOLD_FINAL_EVENT_MS).unref();
    const rest = keep > 0 ? piece.subarray(0, piece.length - keep) : piece;
    if (held === undefined) return rest.length > 0 ? rest : undefined;
    return rest.length > 0 ? Buffer.concat([held, rest]) : held;
  }

  readonly #flushHeld = (): void => {
    const { res } = this.#input;
    const held = this.#held;
    this.#held = undefined;
    if (held && !res.writableEnded && !res.destroyed) res.write(held);
  };

  readonly #flushHead = (): void => {
    const { res } = this.#input;
    if (!this.#bodyWritten && !res.destroyed && !this.#done) res.flushHeaders();
  };

  #writeHead(): void {
    if (this.#headWritten) return;
    this.#headWritten = true;
    this.#input.res.writeHead(this.#status, this.#outHeaders);
  }

  #finish(ended: boolean): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#finishing);
    const complete = ended || (this.#clientGone && this.#input.clientEnds === true && this.#status >= 200 && this.#status < 300);
    const { res } = this.#input;
    res.off('close', this.#onClientClose);
    // The client of a cut stream gets the same cut, not a made-up ending.
    if (!complete) res.destroy();
    else if (!this.#input.holdEnd && !res.destroyed) res.end();
    const status = this.#status;
    const headers = this.#headers;
    const release = (ok: boolean): boolean => this.#release(ok);
    const timings = (): Timings => ({ ttfbMs: round(this.#ttfbMs), totalMs: round(performance.now() - this.#input.startedAt) });
    // Written out as literals, not `{ ...base, timings }`: a key added after a spread is the slow
    // path of Node 20 (see onResponseStart).
    if (!this.#capture) {
      this.#resolve({ status, headers, complete, release, timings: timings() });
      return;
    }
    this.#capture.finish(complete).then(
      // The capture's own verdict counts too: a body that ended cleanly on the wire but does not
      // decode (gzip cut short, raw deflate under `deflate`) is not a complete recording.
      // (`captured` carries `complete`, so the last key overwrites rather than adds.)
      (captured) => this.#resolve({ status, headers, release, timings: timings(), ...captured, complete: complete && captured.complete }),
      (err: unknown) => {
        this.#release(false);
        this.#reject(err);
      },
    );
  }

  #release(ok: boolean): boolean {
    const { res } = this.#input;
    clearTimeout(this.#heldTimer);
    if (res.writableEnded || res.destroyed) return true;
    if (ok) {
      this.#writeHead();
      res.end(this.#held);
    } else if (this.#headWritten) {
      res.destroy();
    } else {
      // Nothing went out: the response is left to the caller's own error answer.
      return false;
    }
    return true;
  }
}

function upstreamError(err: unknown, origin: string): CassetteError {
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.ConnectTimeoutError) {
    return new CassetteError('upstream_timeout', `the upstream ${origin} did not answer in time`, {
      cause: err,
      hint: 'Raise limits.upstreamTimeoutMs in cassette.config.json, or check the upstream.',
    });
  }
  const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
  return new CassetteError('upstream_unreachable', `cannot reach the upstream ${origin}${code ? ` (${code})` : ''}`, {
    cause: err,
    hint: 'Check --upstream / CASSETTE_UPSTREAM_<NAME> and the network, or replay with --mode golden.',
  });
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
