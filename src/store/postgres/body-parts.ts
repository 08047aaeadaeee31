import { createHash } from 'node:crypto';
import type { Interaction, RecordedResponse, StoredSession, StoredStream } from '../../types.js';

/** One content-addressed part of an interaction: its JSON text and the SHA-256 of that text. */
export interface BodyPart {
  hash: string;
  data: string;
}

/** An interaction cut for storage: the skeleton, and one hash slot per part (null when absent). */
export interface SplitInteraction {
  skeleton: string;
  hashes: (string | null)[];
  parts: BodyPart[];
  /** The bytes of all parts: what the row would hold without content addressing. */
  bytes: number;
}

const hashOf = (data: string): string => createHash('sha256').update(data).digest('hex');

/**
 * Cuts out the request body, the answer body, the stream's events and the WebSocket frames
 * (the slots, in this order, of `body_hashes`). Each is stored once by hash: many runners
 * recording the same prompt store its body once.
 */
export function splitInteraction(i: Interaction): SplitInteraction {
  const { body: requestBody, ...request } = i.request;
  const { body, stream, session, ...response } = i.response;
  const slots: unknown[] = [requestBody, body, stream?.events, session?.frames];
  const parts: BodyPart[] = [];
  let bytes = 0;
  const hashes = slots.map((value) => {
    if (value === undefined) return null;
    const data = JSON.stringify(value);
    const part = { hash: hashOf(data), data };
    bytes += Buffer.byteLength(data);
    parts.push(part);
    return part.hash;
  });
  const skeleton: Record<string, unknown> = { ...i, request, response };
  const r = response as Record<string, unknown>;
  if (stream) r.stream = { ...stream, events: undefined };
  if (session) r.session = { ...session, frames: undefined };
  return { skeleton: JSON.stringify(skeleton), hashes, parts, bytes };
}

/** Puts the parts back: the interaction as it was appended. */
export function joinInteraction(skeleton: string, hashes: readonly (string | null)[], bodies: ReadonlyMap<string, string>): Interaction {
  const i = JSON.parse(skeleton) as Interaction;
  const part = (slot: number): unknown => {
    const hash = hashes[slot];
    if (hash === null || hash === undefined) return undefined;
    const data = bodies.get(hash);
    if (data === undefined) throw new Error(`body ${hash} is missing`);
    return JSON.parse(data) as unknown;
  };
  const requestBody = part(0);
  if (requestBody !== undefined) i.request.body = requestBody as Interaction['request']['body'];
  const response: RecordedResponse = i.response;
  const body = part(1);
  if (body !== undefined) response.body = body as RecordedResponse['body'];
  const events = part(2);
  if (events !== undefined && response.stream) (response.stream as StoredStream).events = events as StoredStream['events'];
  const frames = part(3);
  if (frames !== undefined && response.session) (response.session as StoredSession).frames = frames as StoredSession['frames'];
  return i;
}
