import { decodeBody } from '../match/body-codec.js';
import { createAssembler } from '../providers/assemblers.js';
import { providerOfFamily, sessionRulesOf } from '../providers/registry.js';
import { parseEvent } from '../stream/parse-event.js';
import type { Interaction, StoredSession, StoredStream, WebSocketFrame } from '../types.js';

/** Frames of a session `show` prints without `--events`. */
const PREVIEW_FRAMES = 12;

/** One line about a session: frame counts both ways and how it ended. */
export function describeSession(session: StoredSession): string {
  const client = session.frames.filter((f) => f.from === 'client').length;
  const close = session.close
    ? `closed by ${session.close.by} ${session.close.code}${session.close.reason ? ` "${session.close.reason}"` : ''} at ${session.close.ms} ms`
    : 'cut (no close frame)';
  const protocol = session.protocol ? `, subprotocol ${session.protocol}` : '';
  return `websocket session (${session.frames.length} frames: ${client} client, ${session.frames.length - client} server${protocol}; ${close})`;
}

/**
 * The frame timeline of a session (`→` client to server, `←` server to client), each with its time
 * and event type; the first frames only unless `all` (`show --events`). For an SSE stream, its events.
 */
export function formatTimeline(i: Interaction, all: boolean): string[] {
  const session = i.response.session;
  if (session) {
    const rules = sessionRulesOf(i.family);
    const shown = all ? session.frames : session.frames.slice(0, PREVIEW_FRAMES);
    const lines = shown.map((f) => `    ${`+${f.ms} ms`.padStart(12)}  ${f.from === 'client' ? '→' : '←'} ${frameLabel(f, rules)}`);
    if (shown.length < session.frames.length)
      lines.push(`    … ${session.frames.length - shown.length} more frames (show --events lists them all)`);
    return lines;
  }
  if (all && i.response.stream) return streamTimeline(i, i.response.stream);
  return [];
}

/**
 * An SSE/NDJSON stream as a timeline: time, event name, size, the text it added to the answer
 * (whatever the provider: the family's own assembler is fed event by event and its text compared),
 * and a mark on the event where the first token came.
 */
function streamTimeline(i: Interaction, stream: StoredStream): string[] {
  const assembler = createAssembler(providerOfFamily(i.family)?.assemblerKind(i.request.path) ?? 'generic');
  let text = '';
  let firstAt: number | undefined;
  const lines = stream.events.map((e) => {
    let delta = '';
    try {
      assembler.push(parseEvent(stream.format, e.raw));
      const now = assembler.result().text ?? '';
      delta = now.startsWith(text) ? now.slice(text.length) : '';
      text = now;
    } catch {
      // An event the assembler cannot read still gets its line.
    }
    const first = delta !== '' && firstAt === undefined;
    if (first) firstAt = e.ms;
    const shown = delta === '' ? '' : `  ${JSON.stringify(delta.length > 60 ? `${delta.slice(0, 59)}…` : delta)}`;
    return `    ${`+${e.ms} ms`.padStart(12)}  ${eventLabel(e.raw)}${shown}${first ? '  ← first token' : ''}`;
  });
  const last = stream.events.at(-1)?.ms ?? 0;
  lines.push(
    `    first token at ${firstAt === undefined ? 'none (no text streamed)' : `+${firstAt} ms`}, ${stream.events.length} events over ${last} ms${stream.complete ? '' : ', cut short'}`,
  );
  return lines;
}

function frameLabel(f: WebSocketFrame, rules: ReturnType<typeof sessionRulesOf> | undefined): string {
  const bytes = decodeBody(f.body).length;
  const kind = f.binary ? 'binary' : 'text';
  const type = f.body.kind === 'json' ? rules?.eventType(f.body.json) : undefined;
  return `${type ?? (f.body.kind === 'base64' ? '(binary data)' : '(text)')}  ${kind}, ${bytes} bytes`;
}

function eventLabel(raw: string): string {
  const name = /^event: *(.+)$/m.exec(raw)?.[1];
  const type = /"type" *: *"([^"]+)"/.exec(raw)?.[1];
  return `${name ?? type ?? 'data'}  ${Buffer.byteLength(raw)} bytes`;
}
