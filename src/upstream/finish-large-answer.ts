import { encodeBody } from '../match/body-codec.js';
import { assembleEvents, assembleJson } from '../providers/assemblers.js';
import type { Redactor } from '../safety/create-redactor.js';
import { redactAcrossEvents } from '../safety/redact-across-events.js';
import type { Assembled, RewriteRule, StoredBody, StreamEvent, StreamFormat } from '../types.js';

/**
 * A stream's events in a form that crosses threads cheaply: one string and two typed arrays
 * instead of one cloned object per event (a 20 MiB stream has some 20,000 of them).
 */
export interface PackedEvents {
  text: string;
  /** Length of each event's `raw` in `text` (UTF-16 units). */
  lengths: Uint32Array;
  ms: Float64Array;
  /** `[event index, base64]` of the events kept as bytes (not valid UTF-8). */
  base64: [number, string][];
}

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
  /** A whole answer: its decoded bytes. */
  bytes?: Uint8Array;
}

/** What the worker sends back; each `…Json` is the exact `JSON.stringify` of its part. */
export interface LargeAnswerResult {
  id: number;
  events?: PackedEvents;
  eventsJson?: string;
  body?: StoredBody;
  bodyJson?: string;
  assembled?: Assembled;
  assembledJson?: string;
  error?: string;
}

/**
 * What the event loop would do at the end of a large answer, in one call: cross-event redaction
 * and assembly of a stream, or decoding, redaction and assembly of a body, then the JSON of each
 * stored part. The same functions as the main thread's path (ResponseCapture.finish and
 * buildInteraction), so what is stored is byte for byte the same.
 */
export function finishLargeAnswer(task: LargeAnswerTask, redactor: Redactor): LargeAnswerResult {
  const { id, kind } = task;
  if (task.stream) {
    const { format } = task.stream;
    const events = redactAcrossEvents(format, unpackEvents(task.stream.events), redactor);
    const assembled = kind === undefined ? undefined : assembleEvents(kind, format, events);
    return {
      id,
      events: packEvents(events),
      eventsJson: JSON.stringify(events),
      ...(assembled ? { assembled, assembledJson: JSON.stringify(assembled) } : {}),
    };
  }
  const bytes = task.bytes ?? new Uint8Array(0);
  const body = encodeBody(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), task.contentType, { redact: redactor.text });
  const assembled = kind !== undefined && body.kind === 'json' ? assembleJson(kind, body.json) : undefined;
  return {
    id,
    body,
    bodyJson: JSON.stringify(body),
    ...(assembled ? { assembled, assembledJson: JSON.stringify(assembled) } : {}),
  };
}

export function packEvents(events: readonly StreamEvent[]): PackedEvents {
  const lengths = new Uint32Array(events.length);
  const ms = new Float64Array(events.length);
  const base64: [number, string][] = [];
  const raws: string[] = [];
  events.forEach((e, n) => {
    raws.push(e.raw);
    lengths[n] = e.raw.length;
    ms[n] = e.ms;
    if (e.base64 !== undefined) base64.push([n, e.base64]);
  });
  return { text: raws.join(''), lengths, ms, base64 };
}

/** The events again, each shaped as the capture makes them (`ms`, `raw`, then `base64` when kept). */
export function unpackEvents(packed: PackedEvents): StreamEvent[] {
  const events: StreamEvent[] = [];
  let at = 0;
  for (let n = 0; n < packed.lengths.length; n++) {
    const end = at + (packed.lengths[n] as number);
    events.push({ ms: packed.ms[n] as number, raw: packed.text.slice(at, end) });
    at = end;
  }
  for (const [n, base64] of packed.base64) (events[n] as StreamEvent).base64 = base64;
  return events;
}
