import type { StreamEvent } from '../types.js';

/**
 * A stream's events in a form that crosses threads cheaply: a few long strings and two typed
 * arrays instead of one cloned object per event (a 20 MiB stream has some 20,000 of them).
 */
export interface PackedEvents {
  /** The events' `raw` one after another, cut into blocks; an event never straddles two blocks. */
  texts: string[];
  /** Length of each event's `raw` (UTF-16 units), in order across the blocks. */
  lengths: Uint32Array;
  ms: Float64Array;
  /** `[event index, base64]` of the events kept as bytes (not valid UTF-8). */
  base64: [number, string][];
}

/** Characters of `raw` joined into one block (joining as the events come spreads the copying out). */
const BLOCK_CHARS = 256 * 1024;

/**
 * Packs events as they are captured: each block of raws is joined once it is full, so packing a
 * large stream at its end costs only the last block (the capture starts one once an answer is
 * large, src/upstream/response-capture.ts).
 */
export class EventPacker {
  readonly #texts: string[] = [];
  #block: string[] = [];
  #blockChars = 0;
  readonly #lengths: number[] = [];
  readonly #ms: number[] = [];
  readonly #base64: [number, string][] = [];

  add(events: readonly StreamEvent[]): void {
    for (const e of events) {
      if (e.base64 !== undefined) this.#base64.push([this.#lengths.length, e.base64]);
      this.#lengths.push(e.raw.length);
      this.#ms.push(e.ms);
      this.#block.push(e.raw);
      this.#blockChars += e.raw.length;
      if (this.#blockChars >= BLOCK_CHARS) this.#endBlock();
    }
  }

  /** How many events were packed. */
  get count(): number {
    return this.#lengths.length;
  }

  packed(): PackedEvents {
    this.#endBlock();
    return { texts: this.#texts, lengths: Uint32Array.from(this.#lengths), ms: Float64Array.from(this.#ms), base64: this.#base64 };
  }

  #endBlock(): void {
    if (this.#block.length > 0) this.#texts.push(this.#block.join(''));
    this.#block = [];
    this.#blockChars = 0;
  }
}

export function packEvents(events: readonly StreamEvent[]): PackedEvents {
  const packer = new EventPacker();
  packer.add(events);
  return packer.packed();
}

/** The events again, each shaped as the capture makes them (`ms`, `raw`, then `base64` when kept). */
export function unpackEvents(packed: PackedEvents): StreamEvent[] {
  const events: StreamEvent[] = [];
  let block = 0;
  let at = 0;
  for (let n = 0; n < packed.lengths.length; n++) {
    let text = packed.texts[block] ?? '';
    if (at >= text.length && (packed.lengths[n] as number) > 0) {
      // This block is used up: the event is the first of the next one.
      text = packed.texts[++block] ?? '';
      at = 0;
    }
    const end = at + (packed.lengths[n] as number);
    events.push({ ms: packed.ms[n] as number, raw: text.slice(at, end) });
    at = end;
  }
  for (const [n, base64] of packed.base64) (events[n] as StreamEvent).base64 = base64;
  return events;
}
