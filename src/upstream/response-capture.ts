import zlib from 'node:zlib';
import { encodeBody } from '../match/body-codec.js';
import type { Redactor } from '../safety/create-redactor.js';
import { createFramer } from '../stream/create-framer.js';
import type { Framer } from '../stream/types.js';
import type { StoredBody, StoredStream, StreamEvent, StreamFormat } from '../types.js';

/** What a captured upstream answer amounts to once it has ended (or been cut). */
export interface CapturedBody {
  body?: StoredBody;
  stream?: StoredStream;
}

/**
 * Records an upstream response body as it flows to the client: the wire bytes are never held
 * back; a copy is decoded once (gzip, br, deflate) and, for streams, cut into events stamped with
 * their arrival time. Secrets are redacted in the copy only.
 */
export class ResponseCapture {
  readonly #startedAt: number;
  readonly #redactor: Redactor;
  readonly #contentType: string | undefined;
  readonly #format: StreamFormat | undefined;
  readonly #framer: Framer | undefined;
  readonly #decoder: zlib.Gunzip | zlib.BrotliDecompress | zlib.Inflate | undefined;
  // ignoreBOM: a leading byte order mark is part of the stream's bytes; replay must send it too.
  readonly #text: InstanceType<typeof TextDecoder> | undefined;
  readonly #chunks: Buffer[] = [];
  readonly #events: StreamEvent[] = [];
  #decodeFailed = false;

  constructor(options: {
    startedAt: number;
    contentType: string | undefined;
    contentEncoding: string | undefined;
    format: StreamFormat | undefined;
    redactor: Redactor;
  }) {
    this.#startedAt = options.startedAt;
    this.#redactor = options.redactor;
    this.#contentType = options.contentType;
    this.#format = options.format;
    this.#framer = options.format ? createFramer(options.format) : undefined;
    this.#text = options.format ? new TextDecoder('utf-8', { ignoreBOM: true }) : undefined;
    this.#decoder = createDecoder(options.contentEncoding);
    if (this.#decoder) {
      this.#decoder.on('data', (chunk: Buffer) => this.#onDecoded(chunk));
      // A corrupt body is still passed through to the client; the recording keeps what decoded.
      this.#decoder.on('error', () => {
        this.#decodeFailed = true;
      });
    }
  }

  /** A raw (possibly compressed) chunk as it arrived from the upstream. */
  push(chunk: Buffer): void {
    if (this.#decoder) this.#decoder.write(chunk);
    else this.#onDecoded(chunk);
  }

  /** Ends the capture; `complete` says whether the body ended cleanly. */
  async finish(complete: boolean): Promise<CapturedBody & { complete: boolean }> {
    if (this.#decoder && !this.#decodeFailed) {
      await new Promise<void>((resolve) => {
        this.#decoder?.once('end', resolve).once('error', () => resolve());
        this.#decoder?.end();
      });
    }
    const ok = complete && !this.#decodeFailed;
    if (this.#framer && this.#format) {
      const tail = this.#text?.decode();
      const rest = [...(tail ? this.#framer.push(tail) : []), ...this.#framer.end()];
      this.#addEvents(rest);
      return { stream: { format: this.#format, events: this.#events, complete: ok }, complete: ok };
    }
    const bytes = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
    return { body: encodeBody(bytes, this.#contentType, { redact: this.#redactor.text }), complete: ok };
  }

  #onDecoded(chunk: Buffer): void {
    if (this.#framer) this.#addEvents(this.#framer.push((this.#text as InstanceType<typeof TextDecoder>).decode(chunk, { stream: true })));
    else this.#chunks.push(chunk);
  }

  #addEvents(raws: string[]): void {
    if (raws.length === 0) return;
    const ms = Math.round((performance.now() - this.#startedAt) * 10) / 10;
    for (const raw of raws) this.#events.push({ ms, raw: this.#redactor.text(raw) });
  }
}

function createDecoder(encoding: string | undefined): zlib.Gunzip | zlib.BrotliDecompress | zlib.Inflate | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip();
    case 'br':
      return zlib.createBrotliDecompress();
    case 'deflate':
      return zlib.createInflate();
    default:
      return undefined;
  }
}
