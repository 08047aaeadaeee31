import { parseCapturedEvent, parseEvent, serializeSseEvent } from '../stream/parse-event.js';
import type { StreamEvent, StreamFormat } from '../types.js';
import { CREDENTIAL_REPLACEMENT } from './credential-patterns.js';
import type { Redactor } from './create-redactor.js';

/** One string of one event's JSON that a match spanning events cuts (built only for those). */
interface Piece {
  event: number;
  /** The JSON path's keys (array indexes as strings). */
  keys: readonly string[];
  value: string;
  /** Local `[start, end)` spans to cut, and whether a cut starts a secret (gets the replacement). */
  cuts: [number, number, boolean][];
}

/**
 * One JSON path of the stream's events, and the strings found there in event order (two parallel
 * arrays: no object per string, since almost no stream has anything to cut). The paths form a
 * tree walked beside each event's JSON, so finding a string's channel costs a lookup of each key
 * as it is (no path string is built and hashed per string).
 */
interface Channel {
  keys: readonly string[];
  /** The event each string came from. */
  events: number[];
  values: string[];
  children?: Map<string, Channel>;
  /**
   * The children last found at each position of an object's keys, and at each array index: the
   * events of a stream repeat one shape, so a child is found by comparing its key (an identity
   * check for JSON.parse's keys) rather than by a lookup in `children` (issue 20).
   */
  atKey?: Channel[];
  atIndex?: Channel[];
}

/**
 * Masks credentials that a stream spells across several events (`sk-pro` in one delta, `j-abc…` in
 * the next), which redacting each event on its own cannot see. The strings at each JSON path are
 * joined across events in order (one channel per path: `delta.text`, `choices.0.delta.content`,
 * tool-call arguments), every credential shape and `redact` rule is run over each channel, and the
 * pieces of a match that spans events are cut from their events: the first keeps the
 * replacement, the others lose their part, so the assembled text reads `<REDACTED>` once.
 *
 * Only the stored copy is changed (the client got the events as they came). A changed event is
 * rewritten in place where its JSON string is found verbatim, else re-serialised; its kept bytes
 * (`base64`, item 16) are dropped, since they would still hold the piece. Binary formats
 * (`aws-eventstream`) are left alone: their checksums cover the bytes.
 */
export function redactAcrossEvents(format: StreamFormat, events: StreamEvent[], redactor: Redactor): StreamEvent[] {
  if (format === 'aws-eventstream' || events.length < 2) return events;
  const root: Channel = { keys: [], events: [], values: [] };
  /** The channels in the order their first string was found. */
  const channels: Channel[] = [];
  const parsed = events.map((e, i) => {
    const p = parseCapturedEvent(format, e);
    if (p.json !== undefined) collect(p.json, root, i, channels);
    return p;
  });
  const touched: Piece[] = [];
  for (const channel of channels) {
    const { values } = channel;
    // A field that is the same in every event (`id`, `model`) is no delta: nothing is spelled across it.
    if (values.length < 2 || values.every((v) => v === values[0])) continue;
    const starts: number[] = [];
    let text = '';
    for (const v of values) {
      starts.push(text.length);
      text += v;
    }
    /** This channel's pieces cut so far, by index in the channel. */
    const cutHere = new Map<number, Piece>();
    for (const [start, end] of redactor.spans(text)) {
      const first = pieceAt(starts, start);
      const last = pieceAt(starts, end - 1);
      if (first === last) continue; // inside one event: already redacted there
      for (let k = first; k <= last; k++) {
        const value = values[k] as string;
        let piece = cutHere.get(k);
        if (piece === undefined) {
          piece = { event: channel.events[k] as number, keys: channel.keys, value, cuts: [] };
          cutHere.set(k, piece);
          touched.push(piece);
        }
        const from = Math.max(0, start - (starts[k] as number));
        const to = Math.min(value.length, end - (starts[k] as number));
        piece.cuts.push([from, to, k === first]);
      }
    }
  }
  if (touched.length === 0) return events;
  const out = [...events];
  const byEvent = new Map<number, Piece[]>();
  for (const piece of touched) byEvent.set(piece.event, [...(byEvent.get(piece.event) ?? []), piece]);
  for (const [i, pieces] of byEvent) {
    const event = events[i] as StreamEvent;
    let raw = event.raw;
    let verbatim = true;
    for (const piece of pieces) {
      const masked = cut(piece.value, piece.cuts);
      const before = JSON.stringify(piece.value);
      if (verbatim && raw.includes(before)) raw = raw.split(before).join(JSON.stringify(masked));
      else verbatim = false;
      setAt(parsed[i]?.json, piece.keys, masked);
    }
    if (!verbatim) raw = reserialize(format, event.raw, parsed[i]?.data, parsed[i]?.json);
    out[i] = { ms: event.ms, raw };
  }
  return out;
}

/** Adds every string of one event's JSON to the channel of its path. */
function collect(value: unknown, channel: Channel, event: number, channels: Channel[]): void {
  if (typeof value === 'string') {
    if (channel.values.length === 0) channels.push(channel);
    channel.events.push(event);
    channel.values.push(value);
  } else if (Array.isArray(value)) {
    const atIndex = (channel.atIndex ??= []);
    for (let k = 0; k < value.length; k++) collect(value[k], (atIndex[k] ??= childOf(channel, String(k))), event, channels);
  } else if (typeof value === 'object' && value !== null) {
    const atKey = (channel.atKey ??= []);
    let position = 0;
    for (const k in value) {
      let child = atKey[position];
      if (child === undefined || child.keys[child.keys.length - 1] !== k) atKey[position] = child = childOf(channel, k);
      collect((value as Record<string, unknown>)[k], child, event, channels);
      position++;
    }
  }
}

function childOf(channel: Channel, key: string): Channel {
  const children = (channel.children ??= new Map());
  let child = children.get(key);
  if (child === undefined) children.set(key, (child = { keys: [...channel.keys, key], events: [], values: [] }));
  return child;
}

/** Index of the piece holding character `at` of the joined channel. */
function pieceAt(starts: number[], at: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function cut(value: string, cuts: [number, number, boolean][]): string {
  let out = value;
  for (const [from, to, first] of [...cuts].sort((a, b) => b[0] - a[0])) {
    out = out.slice(0, from) + (first ? CREDENTIAL_REPLACEMENT : '') + out.slice(to);
  }
  return out;
}

function setAt(json: unknown, keys: readonly string[], value: string): void {
  let node = json as Record<string, unknown> | undefined;
  for (const k of keys.slice(0, -1)) node = node?.[k] as Record<string, unknown> | undefined;
  if (node) node[keys[keys.length - 1] as string] = value;
}

/** The event with its JSON written anew, for a piece escaped differently than JSON.stringify would. */
function reserialize(format: StreamFormat, raw: string, data: string | undefined, json: unknown): string {
  const text = JSON.stringify(json);
  if (data !== undefined && raw.includes(data)) return raw.replace(data, () => text);
  return format === 'sse' ? serializeSseEvent({ ...parseEvent(format, raw), data: text }) : `${text}\n`;
}
