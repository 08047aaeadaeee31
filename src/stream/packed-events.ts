import type { StreamEvent } from '../types.js';

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
