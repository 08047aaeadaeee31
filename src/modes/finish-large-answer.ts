import { encodeBody } from '../match/body-codec.js';
import { assembleEvents, assembleJson } from '../providers/assemblers.js';
import type { Redactor } from '../safety/create-redactor.js';
import { redactAcrossEvents } from '../safety/redact-across-events.js';
import { packEvents, unpackEvents } from '../stream/packed-events.js';
import type { LargeAnswerResult, LargeAnswerTask } from '../upstream/large-answer-task.js';

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
