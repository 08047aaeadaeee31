import type { RewriteRule, Assembled, StoredBody, StreamEvent, StreamFormat } from '../types.js';
import type { PackedEvents } from '../stream/packed-events.js';

/** The heavy part of recording one large answer, as sent to the worker. */
export interface LargeAnswerTask {
  id: number;
  /** The redactor's `redact` rules (the worker compiles the same redactor). */
  rules: readonly RewriteRule[];
  /** The provider's assembler kind for the call; undefined: nothing is assembled. */
  kind: string | undefined;
  contentType: string | undefined;
  /** A streamed answer: its events, each already redacted on its own. */
  stream?: { format: StreamFormat; events: PackedEvents };
  /** A whole answer: its decoded bytes, in blocks to be joined in this order. */
  blocks?: Uint8Array[];
}

/**
 * What the worker sends back. The JSON of each stored part is UTF-8 bytes in a buffer of its own,
 * moved (transferred) rather than copied: the event loop passes them on to the store untouched.
 */
export interface LargeAnswerResult {
  id: number;
  /** A stream: the events cross-event redaction changed, by index (the event loop has the rest). */
  changed?: [number, StreamEvent][];
  /** The exact `JSON.stringify` of the stream's events, UTF-8. */
  eventsJson?: Uint8Array;
  body?: StoredBody;
  bodyJson?: Uint8Array;
  assembled?: Assembled;
  assembledJson?: Uint8Array;
  error?: string;
}

/**
 * Finishes large answers off the event loop (src/modes/large-answer.ts). Given to the capture by
 * the pipeline: the assemblers it needs live in a layer above this one.
 */
export interface OffThreadFinisher {
  /** Decoded bytes from which an answer is finished off the event loop. */
  threshold(): number;
  /** Whether the worker can do this redactor's work exactly as the event loop would. */
  canFinish(rules: readonly RewriteRule[] | undefined): boolean;
  /** Rejects when the worker fails: the capture then does the work itself. */
  finish(task: Omit<LargeAnswerTask, 'id'>, transfer: ArrayBuffer[]): Promise<LargeAnswerResult>;
}
