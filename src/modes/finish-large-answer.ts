import { encodeBody } from '../match/body-codec.js';
import { assembleEvents, assembleJson } from '../providers/assemblers.js';
import type { Redactor } from '../safety/create-redactor.js';
import { redactAcrossEvents } from '../safety/redact-across-events.js';
import { unpackEvents } from '../stream/packed-events.js';
import type { StreamEvent } from '../types.js';
import type { LargeAnswerResult, LargeAnswerTask } from '../upstream/large-answer-task.js';

const utf8 = new TextEncoder();

/** `JSON.stringify(value)` as UTF-8 bytes in a buffer of their own (to be transferred). */
function jsonBytes(value: unknown): Uint8Array {
  return utf8.encode(JSON.stringify(value));
}

/**
 * What the event loop would do at the end of a large answer, in one call: cross-event redaction
 * and assembly of a stream, or decoding, redaction and assembly of a body, then the JSON of each
 * stored part. The same functions as the main thread's path (ResponseCapture.finish and
 * buildInteraction), so what is stored is byte for byte the same. A stream's events go back only
 * where redaction changed them: the event loop has the others already.
 */
export function finishLargeAnswer(task: LargeAnswerTask, redactor: Redactor): LargeAnswerResult {
  const { id, kind } = task;
  if (task.stream) {
    const { format } = task.stream;
    const captured = unpackEvents(task.stream.events);
    const events = redactAcrossEvents(format, captured, redactor);
    const changed: [number, StreamEvent][] = [];
    events.forEach((e, n) => {
      if (e !== captured[n]) changed.push([n, e]);
    });
    const assembled = kind === undefined ? undefined : assembleEvents(kind, format, events);
    return {
      id,
      changed,
      eventsJson: jsonBytes(events),
      ...(assembled ? { assembled, assembledJson: jsonBytes(assembled) } : {}),
    };
  }
  const body = encodeBody(Buffer.concat(task.blocks ?? []), task.contentType, { redact: redactor.text });
  const assembled = kind !== undefined && body.kind === 'json' ? assembleJson(kind, body.json) : undefined;
  // Only its JSON: the event loop assembles the body it gets again (that refers to the body's
  // strings), cheaper than receiving a second copy of the answer's text.
  return { id, body, bodyJson: jsonBytes(body), ...(assembled ? { assembledJson: jsonBytes(assembled) } : {}) };
}

/** The buffers of a result's JSON, moved to the event loop rather than copied (each owns its buffer). */
export function resultBuffers(result: LargeAnswerResult): ArrayBuffer[] {
  return [result.eventsJson, result.bodyJson, result.assembledJson].flatMap((b) =>
    b && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? [b.buffer as ArrayBuffer] : [],
  );
}
