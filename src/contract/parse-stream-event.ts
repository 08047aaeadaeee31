import { parseEvent } from '../stream/parse-event.js';
import type { ParsedEvent } from '../stream/types.js';
import type { StreamFormat } from '../types.js';

/**
 * Reads one recorded stream event. Beyond `parseEvent`, a body that is not SSE at all under
 * `text/event-stream` (Gemini answers a streamed 404 with plain JSON) is read as one JSON
 * document, so its shape is still checked instead of looking like an empty stream.
 */
export function parseStreamEvent(format: StreamFormat, raw: string): ParsedEvent {
  if (format === 'sse') {
    const fast = parseSimpleSse(raw);
    if (fast !== undefined) return fast;
  }
  const event = parseEvent(format, raw);
  if (format !== 'sse' || event.data !== undefined || event.event !== undefined || event.comments.length > 0) return event;
  const text = raw.trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return event;
  try {
    return { comments: [], data: text, json: JSON.parse(text) as unknown };
  } catch {
    return event;
  }
}

/**
 * The shapes nearly every provider event has, `data: X` and `event: E` + `data: X`, read
 * without splitting lines; anything else (comments, multi-line data, ids) is left to parseEvent.
 * Drift checks read every event of every recording, so this is the hot path.
 */
function parseSimpleSse(raw: string): ParsedEvent | undefined {
  let end = raw.length;
  while (end > 0 && (raw.charCodeAt(end - 1) === 10 || raw.charCodeAt(end - 1) === 13)) end--;
  let start = 0;
  let name: string | undefined;
  if (raw.startsWith('event:')) {
    const nl = raw.indexOf('\n');
    if (nl < 0 || nl >= end) return undefined;
    const lineEnd = raw.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    name = raw.slice(raw.charCodeAt(6) === 32 ? 7 : 6, lineEnd);
    start = nl + 1;
  }
  if (!raw.startsWith('data:', start)) return undefined;
  const valueStart = raw.charCodeAt(start + 5) === 32 ? start + 6 : start + 5;
  const nl = raw.indexOf('\n', valueStart);
  const cr = raw.indexOf('\r', valueStart);
  if ((nl >= 0 && nl < end) || (cr >= 0 && cr < end)) return undefined;
  const data = raw.slice(valueStart, end);
  const event: ParsedEvent = { comments: [], data };
  if (name !== undefined) event.event = name;
  if (data === '[DONE]') return event;
  const c = data.charCodeAt(0);
  if (c === 123 /* { */ || c === 91 /* [ */) {
    try {
      event.json = JSON.parse(data) as unknown;
    } catch {
      // A cut-off or non-JSON payload keeps its text only.
    }
    return event;
  }
  return undefined;
}
