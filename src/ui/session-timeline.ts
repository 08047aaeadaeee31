import { sessionRulesOf } from '../providers/registry.js';
import type { Redactor } from '../safety/create-redactor.js';
import type { Interaction, StoredSession, WebSocketFrame } from '../types.js';
import type { InteractionDetail, SessionSummary, TimelineEvent } from './shared/ui-types.js';

/** Marks a step row's strip holds at most: a longer session is sampled evenly. */
const MAX_MARKS = 200;
/** Strings inside a frame longer than this (audio as base64) are shown cut, with their length. */
const LONGEST_STRING = 240;

/** A session in one line for an episode's step list: counts both ways, its close, and its frames on a time axis. */
export function sessionSummary(session: StoredSession): SessionSummary {
  const frames = session.frames;
  const client = frames.filter((f) => f.from === 'client').length;
  const step = Math.max(1, frames.length / MAX_MARKS);
  const marks: SessionSummary['marks'] = [];
  for (let n = 0; n < frames.length && marks.length < MAX_MARKS; n += step) {
    const f = frames[Math.floor(n)] as WebSocketFrame;
    marks.push({ ms: round(f.ms), from: f.from });
  }
  const last = frames.at(-1)?.ms ?? 0;
  return {
    frames: frames.length,
    client,
    server: frames.length - client,
    durationMs: round(Math.max(session.close?.ms ?? 0, last)),
    ...(session.close ? { close: { by: session.close.by, code: session.close.code, reason: session.close.reason } } : {}),
    marks,
  };
}

/** The answer text a session's server frames add up to (text deltas, spoken answers' transcripts), read by the provider's session rules. */
export function sessionText(i: Interaction): string {
  const session = i.response.session;
  if (!session) return '';
  const rules = sessionRulesOf(i.family);
  let text = '';
  for (const f of session.frames) if (f.from === 'server' && f.body.kind === 'json') text += rules.textOf(f.body.json) ?? '';
  return text;
}

/**
 * A session's frames on the time axis, both directions, each with its event type, its payload for
 * display (redacted; audio and other long strings cut to their first characters and length) and
 * how much of the answer text exists once it arrived.
 */
export function sessionTimeline(i: Interaction, session: StoredSession, redactor: Redactor): NonNullable<InteractionDetail['timeline']> {
  const rules = sessionRulesOf(i.family);
  const events: TimelineEvent[] = [];
  let text = '';
  for (const f of session.frames) {
    const json = f.body.kind === 'json' ? f.body.json : undefined;
    if (f.from === 'server' && json !== undefined) text += rules.textOf(json) ?? '';
    const type = (json !== undefined ? rules.eventType(json) : undefined) ?? (f.body.kind === 'base64' ? '(binary data)' : '(text)');
    events.push({
      ms: round(f.ms),
      type,
      raw: frameText(f, redactor),
      textLength: text.length,
      from: f.from,
      ...(f.binary ? { binary: true } : {}),
    });
  }
  return {
    kind: 'websocket',
    events,
    text: redactor.text(text),
    complete: i.complete,
    ...(session.close ? { close: session.close } : {}),
    ...(session.protocol ? { protocol: session.protocol } : {}),
  };
}

/** The stored interaction for display without its frames (they are on the timeline): their count instead. */
export function withoutFrames(interaction: Record<string, unknown>): Record<string, unknown> {
  const response = interaction.response as { session?: StoredSession } | undefined;
  const session = response?.session;
  if (!response || !session) return interaction;
  const { frames, ...rest } = session;
  return { ...interaction, response: { ...response, session: { ...rest, frameCount: frames.length } } };
}

function frameText(f: WebSocketFrame, redactor: Redactor): string {
  switch (f.body.kind) {
    case 'json':
      return JSON.stringify(cutStrings(redactor.json(structuredClone(f.body.json))), null, 2);
    case 'text':
      return cut(redactor.text(f.body.text));
    case 'base64':
      return `<${Buffer.from(f.body.base64, 'base64').length} bytes of binary data>`;
    default:
      return '';
  }
}

function cutStrings(value: unknown): unknown {
  if (typeof value === 'string') return cut(value);
  if (Array.isArray(value)) return value.map(cutStrings);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cutStrings(v)]));
  }
  return value;
}

function cut(s: string): string {
  return s.length > LONGEST_STRING ? `${s.slice(0, 60)}… (${s.length} characters)` : s;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
