import { createRequire } from 'node:module';
import type { EventStreamCodec } from '@smithy/core/event-streams';
import type { ParsedEvent } from './types.js';

/**
 * AWS event stream (`application/vnd.amazon.eventstream`, Bedrock, Transcribe, S3 Select): binary
 * messages, each `total length (4) | headers length (4) | prelude CRC32 (4) | headers | payload |
 * message CRC32 (4)`, big-endian. A recorded event's `raw` is the base64 of one whole message, so
 * replay writes the very bytes (checksums included) the upstream sent.
 */

const PRELUDE = 12;
const TRAILER = 4;

/**
 * The codec, loaded on first use: `@smithy/core` costs 70-150 ms to load, which every proxy would
 * otherwise pay at start-up whether or not it ever sees a Bedrock stream. Required (not imported)
 * because the parse path is synchronous.
 */
let codec: EventStreamCodec | undefined;
function codecOf(): EventStreamCodec {
  if (!codec) {
    const { EventStreamCodec: Codec } = createRequire(import.meta.url)(
      '@smithy/core/event-streams',
    ) as typeof import('@smithy/core/event-streams');
    codec = new Codec(
      (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
      (text) => Buffer.from(text, 'utf8'),
    );
  }
  return codec;
}

/** One decoded message: its headers as plain values and its payload. */
export interface EventStreamMessage {
  headers: Record<string, string | number | boolean>;
  body: Buffer;
}

/** Decodes one whole message; throws when a length or a CRC32 checksum does not hold. */
export function decodeEventStreamMessage(bytes: Uint8Array): EventStreamMessage {
  const message = codecOf().decode(bytes);
  const headers: Record<string, string | number | boolean> = {};
  for (const [name, header] of Object.entries(message.headers)) {
    const value = header.value;
    headers[name] =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? value
        : value instanceof Date
          ? value.toISOString()
          : value instanceof Uint8Array
            ? Buffer.from(value).toString('base64')
            : String(value);
  }
  return { headers, body: Buffer.from(message.body.buffer, message.body.byteOffset, message.body.byteLength) };
}

/** Encodes one message with string headers (mock answers, fake upstreams in tests). */
export function encodeEventStreamMessage(headers: Record<string, string>, body: Uint8Array): Buffer {
  const typed = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, { type: 'string' as const, value: v }]));
  return Buffer.from(codecOf().encode({ headers: typed, body }));
}

/**
 * Splits a binary stream into whole messages by their length prefix, keeping every byte: each
 * returned string is the base64 of one message; `end()` returns a cut-off tail the same way.
 */
export function createEventStreamFramer(): { push(chunk: Buffer): string[]; end(): string[] } {
  let pending: Buffer[] = [];
  let pendingBytes = 0;

  function push(chunk: Buffer): string[] {
    if (chunk.length === 0) return [];
    pending.push(chunk);
    pendingBytes += chunk.length;
    const out: string[] = [];
    while (pendingBytes >= 4) {
      const head = pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending);
      pending = [head];
      const total = head.readUInt32BE(0);
      // A length below the smallest message cannot frame anything: the rest is kept as one tail.
      if (total < PRELUDE + TRAILER || head.length < total) break;
      out.push(head.subarray(0, total).toString('base64'));
      const rest = head.subarray(total);
      pending = rest.length > 0 ? [rest] : [];
      pendingBytes = rest.length;
    }
    return out;
  }

  function end(): string[] {
    const rest = pendingBytes > 0 ? Buffer.concat(pending).toString('base64') : undefined;
    pending = [];
    pendingBytes = 0;
    return rest === undefined ? [] : [rest];
  }

  return { push, end };
}

/**
 * Parses one recorded message: `event` is its `:event-type` (or `:exception-type`, for an error
 * the stream ends with), `data` its payload text, `json` the payload parsed. A message whose
 * checksums fail parses to an event without data and with the failure as a comment.
 */
export function parseEventStreamEvent(raw: string): ParsedEvent {
  let message: EventStreamMessage;
  try {
    message = decodeEventStreamMessage(Buffer.from(raw, 'base64'));
  } catch (err) {
    return { comments: [`corrupt event stream message: ${(err as Error).message}`] };
  }
  const type = message.headers[':event-type'] ?? message.headers[':exception-type'] ?? message.headers[':error-code'];
  const event: ParsedEvent = { comments: [] };
  if (type !== undefined) event.event = String(type);
  if (message.body.length > 0) {
    event.data = message.body.toString('utf8');
    try {
      event.json = JSON.parse(event.data) as unknown;
    } catch {
      // A non-JSON payload stays as text.
    }
  }
  return event;
}

/**
 * Checks every message of a recorded stream: undefined when all decode with valid checksums,
 * else a sentence naming the first bad one (`cassette verify`).
 */
export function checkEventStream(raws: readonly string[]): string | undefined {
  for (let i = 0; i < raws.length; i++) {
    try {
      decodeEventStreamMessage(Buffer.from(raws[i] as string, 'base64'));
    } catch (err) {
      return `event stream message ${i + 1} of ${raws.length} is corrupt: ${(err as Error).message}`;
    }
  }
  return undefined;
}
