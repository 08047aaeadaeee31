// Builds raw SSE events for assembler tests. Not a test file.
import { serializeSseEvent } from '../../src/stream/parse-event.js';

/** SSE raw events carrying these JSON payloads (with an `event:` name when given). */
export function sse(...payloads: (object | [string, object])[]): string[] {
  return payloads.map((p) =>
    Array.isArray(p)
      ? serializeSseEvent({ event: p[0], data: JSON.stringify(p[1]), comments: [] })
      : serializeSseEvent({ data: JSON.stringify(p), comments: [] }),
  );
}
