import { providerOfFamily } from '../providers/registry.js';
import type { Redactor } from '../safety/create-redactor.js';
import { createAssembler } from '../providers/assemblers.js';
import { parseEvent } from '../stream/parse-event.js';
import type { Interaction } from '../types.js';
import { modelOf } from '../compare/model-of.js';
import type { InteractionDetail, TimelineEvent } from './shared/ui-types.js';
import { sessionTimeline, withoutFrames } from './session-timeline.js';

/**
 * One interaction for display: the stored JSON with credential shapes replaced by the redaction
 * marker (the store holds none, but a page must never be where one shows), and for a stream its
 * events on a time axis with how much of the assembled text exists after each; for a WebSocket
 * session its frames, both ways, the same way (and not repeated in `interaction`).
 */
export function interactionDetail(i: Interaction, redactor: Redactor): InteractionDetail {
  const model = modelOf(i);
  const detail: InteractionDetail = {
    episode: i.episode,
    take: i.take,
    position: i.position,
    provider: i.provider,
    ...(model ? { model } : {}),
    interaction: withoutFrames(redactor.json(structuredClone(i)) as unknown as Record<string, unknown>),
  };
  const session = i.response.session;
  if (session) detail.timeline = sessionTimeline(i, session, redactor);
  const stream = i.response.stream;
  if (stream) {
    const assembler = createAssembler(providerOfFamily(i.family)?.assemblerKind(i.request.path) ?? 'generic');
    const events: TimelineEvent[] = [];
    let text = '';
    for (const e of stream.events) {
      const parsed = parseEvent(stream.format, e.raw);
      assembler.push(parsed);
      text = assembler.result().text;
      const json = parsed.json as { type?: unknown; object?: unknown } | undefined;
      const type =
        parsed.event ?? (typeof json?.type === 'string' ? json.type : typeof json?.object === 'string' ? json.object : 'message');
      events.push({ ms: Math.round(e.ms * 10) / 10, type, raw: redactor.text(e.raw), textLength: text.length });
    }
    detail.timeline = { kind: 'stream', events, text: redactor.text(text), complete: stream.complete };
  }
  return detail;
}
