import zlib from 'node:zlib';
import { encodeBody } from '../match/body-codec.js';
import type { Redactor } from '../safety/create-redactor.js';
import { redactAcrossEvents } from '../safety/redact-across-events.js';
import { createEventStreamFramer } from '../stream/aws-eventstream.js';
import { createFramer } from '../stream/create-framer.js';
import { EventByteLedger } from '../stream/event-byte-ledger.js';
import { isBinaryStreamFormat } from '../stream/event-bytes.js';
import { StreamTextDecoder } from '../stream/stream-text-decoder.js';
import { isTerminalEvent } from '../stream/terminal-event.js';
import type { Framer } from '../stream/types.js';
import type { Assembled, StoredBody, StoredStream, StreamEvent, StreamFormat } from '../types.js';
import { rememberJson } from '../util/prepared-json.js';
import { EventPacker } from '../stream/packed-events.js';
import { ByteBlocks } from './byte-blocks.js';
import type { LargeAnswerResult, LargeAnswerTask, OffThreadFinisher } from './large-answer-task.js';

/** What a captured upstream answer amounts to once it has ended (or been cut). */
export interface CapturedBody {
  body?: StoredBody;
  stream?: StoredStream;
  /** Why the answer's body was not recorded (over a limit); the client still got all of it. */
  unrecordable?: string;
  /**
   * The `content-encoding` the stored body still carries: a coding this runtime cannot decode
   * (zstd on Node 20, `compress`), kept with the bytes so replay sends both as they came.
   */
  encoding?: string;
  /**
   * The answer assembled already, by the worker that finished a large answer, for the assembler
   * kind it was asked for (buildInteraction assembles anew for any other kind).
   */
  assembled?: {
    kind: string;
    value: Assembled | undefined;
    /**
     * A large body's assembly is left to buildInteraction (it refers to the body's strings, so
     * it is cheap there); this is the JSON the worker wrote for it, byte for byte the same.
     */
    json?: Uint8Array;
  };
}

/** What one answer's recording may cost (config `limits`). */
export interface CaptureLimits {
  /** Decoded bytes recorded at most; past them the copy is dropped. */
  maxRecordedBytes: number;
  /** Decoded bytes per wire byte a compressed answer may reach once past RATIO_FLOOR bytes. */
  maxDecompressionRatio: number;
}

/** A compressed answer this small is never judged by its ratio (tiny bodies compress very well). */
const RATIO_FLOOR = 1024 * 1024;

/**
 * Records an upstream response body as it flows to the client: the wire bytes are never held
 * back; a copy is decoded once (gzip, br, deflate) and, for streams, cut into events stamped with
 * their arrival time. Secrets are redacted in the copy only. A copy that grows past
 * `limits.maxRecordedBytes`, or decompresses past `limits.maxDecompressionRatio`, is dropped at
 * once (memory stays flat however long or large the answer) and the answer is unrecordable.
 */
export class ResponseCapture {
  readonly #startedAt: number;
  readonly #redactor: Redactor;
  readonly #contentType: string | undefined;
  readonly #format: StreamFormat | undefined;
  #framer: Framer | undefined;
  /** A binary stream's framer (`aws-eventstream`): fed bytes, its events are base64 and never redacted. */
  #binaryFramer: ReturnType<typeof createEventStreamFramer> | undefined;
  #decoder: DecoderChain | undefined;
  /** `deflate` alone: zlib or raw deflate, told apart by the first byte. */
  readonly #sniffDeflate: boolean;
  /** The coding list when one of its codings cannot be decoded here: the body is kept as it came. */
  readonly #opaque: string | undefined;
  readonly #limits: CaptureLimits;
  #wireBytes = 0;
  #decodedBytes = 0;
  #unrecordable: string | undefined;
  // ignoreBOM (StreamTextDecoder): a leading byte order mark is part of the stream's bytes; replay sends it too.
  readonly #text: StreamTextDecoder | undefined;
  /** The bytes behind the text events, for the few that are not valid UTF-8. */
  readonly #ledger = new EventByteLedger();
  #chunks: Buffer[] = [];
  /** A large body copied into blocks as it comes, for the worker (`#goesOffThread`). */
  #blocks: ByteBlocks | undefined;
  #events: StreamEvent[] = [];
  /** The events packed for the worker as they come, once the answer is large (`#goesOffThread`). */
  #packer: EventPacker | undefined;
  #decodeFailed = false;
  /** Characters of the text framed into events so far (of a text stream), and of the last event (before redaction). */
  #framedChars = 0;
  #lastEventChars = 0;
  /**
   * The off-thread threshold, asked once per answer: it reads the environment (a test knob), and
   * this is checked on every chunk. Tests that switch the knob do so between calls, not within one.
   */
  #threshold: number | undefined;
  readonly #assemblerKind: (() => string) | undefined;
  readonly #offThread: OffThreadFinisher | undefined;

  constructor(options: {
    startedAt: number;
    contentType: string | undefined;
    contentEncoding: string | undefined;
    format: StreamFormat | undefined;
    redactor: Redactor;
    limits: CaptureLimits;
    /** The provider's assembler kind for the call, asked only when a large answer is assembled off the event loop. */
    assemblerKind?: () => string;
    /** Finishes a large answer off the event loop (issue 13 item 14); absent: all on the event loop. */
    offThread?: OffThreadFinisher;
  }) {
    this.#limits = options.limits;
    this.#assemblerKind = options.assemblerKind;
    this.#offThread = options.offThread;
    this.#startedAt = options.startedAt;
    this.#redactor = options.redactor;
    this.#contentType = options.contentType;
    // Codings are listed in the order they were applied (RFC 9110 §8.4): decode from the last.
    const codings =
      options.contentEncoding === undefined
        ? []
        : options.contentEncoding
            .split(',')
            .map((c) => c.trim().toLowerCase())
            .filter((c) => c !== '' && c !== 'identity');
    this.#opaque = codings.every((c) => DECODERS[c] !== undefined) ? undefined : codings.join(', ');
    this.#format = this.#opaque === undefined ? options.format : undefined;
    const binary = this.#format !== undefined && isBinaryStreamFormat(this.#format);
    this.#binaryFramer = binary ? createEventStreamFramer() : undefined;
    this.#framer = this.#format && !binary ? createFramer(this.#format) : undefined;
    this.#text = this.#format && !binary ? new StreamTextDecoder() : undefined;
    this.#sniffDeflate = codings.length === 1 && codings[0] === 'deflate';
    if (this.#opaque === undefined && codings.length > 0 && !this.#sniffDeflate) {
      this.#useDecoder(codings.reverse().map((c) => (DECODERS[c] as () => Decoder)()));
    }
  }

  #useDecoder(decoders: Decoder[]): void {
    // A corrupt or cut body is still passed through to the client; its recording is incomplete.
    this.#decoder = new DecoderChain(
      decoders,
      (chunk) => this.#onDecoded(chunk),
      () => {
        this.#decodeFailed = true;
      },
    );
  }

  /** A raw (possibly compressed) chunk as it arrived from the upstream. */
  push(chunk: Buffer): void {
    if (this.#unrecordable !== undefined) return;
    if (this.#sniffDeflate && this.#wireBytes === 0 && chunk.length > 0) {
      // `deflate` means zlib-wrapped (RFC 9110), but servers send raw deflate under it too: the
      // first byte tells them apart (a zlib header names method 8 with a window of at most 32 KiB).
      const b = chunk[0] as number;
      this.#useDecoder([(b & 0x0f) === 8 && b >> 4 <= 7 ? zlib.createInflate() : zlib.createInflateRaw()]);
    }
    this.#wireBytes += chunk.length;
    if (this.#decoder) this.#decoder.write(chunk);
    else this.#onDecoded(chunk);
  }

  /**
   * True when the stream's last event so far is its provider's final one (`data: [DONE]`,
   * `message_stop`, …): the answer is complete on the wire, whatever the upstream does next.
   */
  sawFinalEvent(): boolean {
    const last = this.#events.at(-1);
    return this.#unrecordable === undefined && this.#format !== undefined && last !== undefined && isTerminalEvent(this.#format, last.raw);
  }

  /**
   * How many bytes at the end of `chunk`, the raw chunk just pushed, are the stream's final event
   * and nothing else (0 when they are not): the caller may hold them back and send them with the
   * answer's end, in one write. Only for a plain (not encoded) ASCII text stream, where a wire byte
   * is a character of the events; nothing may follow the final event, in the chunk or unframed.
   */
  finalEventBytes(chunk: Buffer): number {
    const last = this.#events.at(-1);
    if (last === undefined || this.#decoder || this.#sniffDeflate || this.#opaque !== undefined || !this.#text?.ascii) return 0;
    const n = this.#lastEventChars;
    if (this.#framedChars !== this.#decodedBytes || n > chunk.length || !this.sawFinalEvent()) return 0;
    return n;
  }

  /** True once the copy was dropped (over a limit). */
  get dropped(): boolean {
    return this.#unrecordable !== undefined;
  }

  /** Ends the capture; `complete` says whether the body ended cleanly. */
  async finish(complete: boolean): Promise<CapturedBody & { complete: boolean }> {
    if (this.#decoder && !this.#decodeFailed && this.#unrecordable === undefined) await this.#decoder.end();
    if (this.#unrecordable !== undefined) {
      const unrecordable = this.#unrecordable;
      if (this.#format) return { stream: { format: this.#format, events: [], complete: false }, complete: false, unrecordable };
      return { body: { kind: 'empty' }, complete: false, unrecordable };
    }
    const ok = complete && !this.#decodeFailed;
    if (this.#binaryFramer && this.#format) {
      this.#addEvents(this.#binaryFramer.end());
      const offThread = await this.#streamOffThread(this.#format, this.#events);
      return {
        stream: { format: this.#format, events: offThread?.events ?? this.#events, complete: ok },
        ...offThread?.assembled,
        complete: ok,
      };
    }
    if (this.#framer && this.#format) {
      const tail = this.#text?.end();
      const rest = [...(tail ? this.#framer.push(tail) : []), ...this.#framer.end()];
      this.#addEvents(rest, true);
      const offThread = await this.#streamOffThread(this.#format, this.#events);
      if (offThread)
        return { stream: { format: this.#format, events: offThread.events, complete: ok }, ...offThread.assembled, complete: ok };
      // Each event was redacted on its own; a secret spelled across events is masked in the stored copy.
      const events = redactAcrossEvents(this.#format, this.#events, this.#redactor);
      return { stream: { format: this.#format, events, complete: ok }, complete: ok };
    }
    const offThread = await this.#bodyOffThread();
    if (offThread) return { ...offThread, complete: ok };
    const bytes = this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
    if (this.#opaque !== undefined) {
      return {
        body: bytes.length > 0 ? { kind: 'base64', base64: bytes.toString('base64') } : { kind: 'empty' },
        encoding: this.#opaque,
        complete: ok,
      };
    }
    return { body: encodeBody(bytes, this.#contentType, { redact: this.#redactor.text }), complete: ok };
  }

  /** Whether this answer is finished by the worker (issue 13 item 14: a large one must not stall other calls). */
  #goesOffThread(): boolean {
    const off = this.#offThread;
    if (off === undefined || this.#decodedBytes === 0) return false;
    this.#threshold ??= off.threshold();
    return this.#decodedBytes >= this.#threshold && off.canFinish(this.#redactor.rules);
  }

  /**
   * A large stream's cross-event redaction, assembly and JSON, done by the worker; undefined when
   * the event loop does it (a small answer, or the worker failed: the same work, only slower).
   */
  async #streamOffThread(
    format: StreamFormat,
    events: StreamEvent[],
  ): Promise<{ events: StreamEvent[]; assembled: Pick<CapturedBody, 'assembled'> } | undefined> {
    if (!this.#goesOffThread()) return undefined;
    const kind = this.#assemblerKind?.();
    let packer = this.#packer;
    if (packer?.count !== events.length) {
      packer = new EventPacker();
      packer.add(events);
    }
    const result = await this.#run({ stream: { format, events: packer.packed() } }, kind);
    if (!result?.changed || result.eventsJson === undefined) return undefined;
    // The worker sends back only the events cross-event redaction changed; the rest are these.
    const finished = events.slice();
    for (const [n, event] of result.changed) finished[n] = event;
    return { events: rememberJson(finished, result.eventsJson), assembled: assembledOf(kind, result) };
  }

  /**
   * A large body's decoding, redaction, assembly and JSON, done by the worker; undefined as above
   * (the chunks are still here: the event loop joins them itself).
   */
  async #bodyOffThread(): Promise<Pick<CapturedBody, 'body' | 'assembled'> | undefined> {
    const blocks = this.#blocks;
    this.#blocks = undefined;
    if (!blocks || blocks.byteLength !== this.#decodedBytes || !this.#goesOffThread()) return undefined;
    // Moved to the worker, not copied: each block owns its memory.
    const own = blocks.blocks();
    const kind = this.#assemblerKind?.();
    const result = await this.#run(
      { blocks: own },
      kind,
      own.map((b) => b.buffer as ArrayBuffer),
    );
    if (!result?.body || result.bodyJson === undefined) return undefined;
    return { body: rememberJson(result.body, result.bodyJson), ...assembledOf(kind, result) };
  }

  async #run(
    task: Pick<LargeAnswerTask, 'stream' | 'blocks'>,
    kind: string | undefined,
    transfer: ArrayBuffer[] = [],
  ): Promise<LargeAnswerResult | undefined> {
    try {
      const off = this.#offThread as OffThreadFinisher;
      return await off.finish({ ...task, rules: this.#redactor.rules ?? [], kind, contentType: this.#contentType }, transfer);
    } catch {
      return undefined;
    }
  }

  #onDecoded(chunk: Buffer): void {
    if (this.#unrecordable !== undefined) return;
    this.#decodedBytes += chunk.length;
    const { maxRecordedBytes, maxDecompressionRatio } = this.#limits;
    if (this.#decodedBytes > maxRecordedBytes) {
      this.#giveUp(`the decoded answer is over limits.maxRecordedBytes (${maxRecordedBytes} bytes)`);
      return;
    }
    // The wire count runs ahead of what the decoder has consumed, so the ratio is never overstated.
    if (this.#decoder && this.#decodedBytes > RATIO_FLOOR && this.#decodedBytes > maxDecompressionRatio * this.#wireBytes) {
      this.#giveUp(`the answer decompresses more than limits.maxDecompressionRatio (${maxDecompressionRatio}:1)`);
      return;
    }
    if (this.#binaryFramer) this.#addEvents(this.#binaryFramer.push(chunk));
    else if (this.#framer) {
      this.#ledger.push(chunk);
      this.#addEvents(this.#framer.push((this.#text as StreamTextDecoder).decode(chunk)));
    } else {
      this.#chunks.push(chunk);
      // A large body is copied into blocks for the worker as it comes, not all at its end.
      if (this.#blocks) this.#blocks.write(chunk);
      else if (this.#opaque === undefined && this.#goesOffThread()) {
        this.#blocks = new ByteBlocks();
        for (const c of this.#chunks) this.#blocks.write(c);
      }
    }
  }

  /** Drops everything captured so far and stops decoding: the rest of the answer only flows. */
  #giveUp(reason: string): void {
    this.#unrecordable = reason;
    this.#chunks = [];
    this.#blocks = undefined;
    this.#events = [];
    this.#packer = undefined;
    this.#framer = undefined;
    this.#binaryFramer = undefined;
    this.#ledger.clear();
    const decoder = this.#decoder;
    this.#decoder = undefined;
    decoder?.destroy();
  }

  /** `end`: these are the stream's last events (the last one owns every byte left). */
  #addEvents(raws: string[], end = false): void {
    if (raws.length === 0) return;
    const first = this.#events.length;
    this.#pushEvents(raws, end);
    // A large answer's events are packed for the worker as they come, not all at its end.
    if (this.#packer) this.#packer.add(this.#events.slice(first));
    else if (this.#goesOffThread()) (this.#packer = new EventPacker()).add(this.#events);
  }

  #pushEvents(raws: string[], end: boolean): void {
    const ms = Math.round((performance.now() - this.#startedAt) * 10) / 10;
    // Redacting a binary message's base64 would break its checksums: it is stored as it came.
    if (this.#binaryFramer) {
      for (const raw of raws) this.#events.push({ ms, raw });
      return;
    }
    const redact = this.#redactor.text;
    for (let i = 0; i < raws.length; i++) {
      const raw = raws[i] as string;
      this.#framedChars += raw.length;
      this.#lastEventChars = raw.length;
      const bytes = this.#ledger.take(raw, end && i === raws.length - 1);
      if (bytes === undefined) this.#events.push({ ms, raw: redact(raw) });
      // Not valid UTF-8: the exact bytes are kept for replay, redacted as Latin-1 text (one
      // character per byte, so every credential shape, all ASCII, matches as it would in UTF-8).
      else this.#events.push({ ms, raw: redact(raw), base64: Buffer.from(redact(bytes.toString('latin1')), 'latin1').toString('base64') });
    }
  }
}

/** The worker's assembly, remembered as the exact JSON it wrote for it (of a body: the JSON only). */
function assembledOf(kind: string | undefined, result: LargeAnswerResult): Pick<CapturedBody, 'assembled'> {
  if (kind === undefined) return {};
  if (result.body !== undefined)
    return { assembled: { kind, value: undefined, ...(result.assembledJson ? { json: result.assembledJson } : {}) } };
  const value = result.assembled && result.assembledJson !== undefined ? rememberJson(result.assembled, result.assembledJson) : undefined;
  return { assembled: { kind, value } };
}

type Decoder = zlib.Gunzip | zlib.BrotliDecompress | zlib.Inflate | zlib.InflateRaw;

/** The codings this runtime decodes; zstd where zlib has it (Node 22.15+), else it is kept as is. */
const DECODERS: Record<string, (() => Decoder) | undefined> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  br: () => zlib.createBrotliDecompress(),
  deflate: () => zlib.createInflate(),
};
const zstd = (zlib as unknown as { createZstdDecompress?: () => Decoder }).createZstdDecompress;
if (typeof zstd === 'function') DECODERS.zstd = () => zstd();

/** Decoders piped one into the next (`gzip, gzip`: two gunzips); any error fails the whole. */
class DecoderChain {
  readonly #stages: Decoder[];
  #settle: (() => void) | undefined;
  #failed = false;

  constructor(stages: Decoder[], onData: (chunk: Buffer) => void, onError: () => void) {
    this.#stages = stages;
    for (let i = 0; i + 1 < stages.length; i++) (stages[i] as Decoder).pipe(stages[i + 1] as Decoder);
    const last = stages[stages.length - 1] as Decoder;
    last.on('data', onData);
    for (const stage of stages) {
      stage.on('error', () => {
        if (this.#failed) return;
        this.#failed = true;
        onError();
        this.#settle?.();
      });
    }
    // 'close' too: a guard that trips while the backlog decodes destroys the decoders.
    last.once('end', () => this.#settle?.()).once('close', () => this.#settle?.());
  }

  write(chunk: Buffer): void {
    (this.#stages[0] as Decoder).write(chunk);
  }

  /** Ends the input; resolves once the output ended, failed or was destroyed. */
  end(): Promise<void> {
    return new Promise((resolve) => {
      this.#settle = resolve;
      if (this.#failed) resolve();
      else (this.#stages[0] as Decoder).end();
    });
  }

  destroy(): void {
    for (const stage of this.#stages) {
      stage.removeAllListeners('data');
      stage.on('error', () => undefined);
      stage.destroy();
    }
    this.#settle?.();
  }
}
