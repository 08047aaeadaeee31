import type { Usage } from '../types.js';
import type { PreparedResponse } from './send-recorded.js';

/** A recording's answer made ready for the wire, with what the stats count of it. */
export interface Answer {
  prepared: PreparedResponse;
  usage: Usage | undefined;
  costUsd: number | undefined;
}

/** Bytes an answer keeps alive, roughly: its buffers, its header strings, and some overhead per object. */
function sizeOf(p: PreparedResponse): number {
  let bytes = 256 + (p.body?.length ?? 0);
  for (const h of p.headers) bytes += 16 + h.length;
  if (p.events) bytes += 192 + p.events.bytes.length + 12 * p.events.ends.length;
  return bytes;
}

/**
 * The answers served most recently, ready for the wire. Bounded by count and by bytes; the least
 * recently used go first. An answer larger than the whole byte budget is served but not kept.
 */
export class AnswerCache<K> {
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  /** In least-recently-used order (a Map iterates in insertion order). */
  readonly #entries = new Map<K, { answer: Answer; bytes: number }>();
  #bytes = 0;

  constructor(maxEntries: number, maxBytes: number) {
    this.#maxEntries = maxEntries;
    this.#maxBytes = maxBytes;
  }

  get size(): number {
    return this.#entries.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get(key: K): Answer | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.answer;
  }

  set(key: K, answer: Answer): void {
    this.delete(key);
    const bytes = sizeOf(answer.prepared);
    if (bytes > this.#maxBytes || this.#maxEntries < 1) return;
    for (const [k, e] of this.#entries) {
      if (this.#entries.size < this.#maxEntries && this.#bytes + bytes <= this.#maxBytes) break;
      this.#entries.delete(k);
      this.#bytes -= e.bytes;
    }
    this.#entries.set(key, { answer, bytes });
    this.#bytes += bytes;
  }

  delete(key: K): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}
