import { parseCapturedEvent, parseEvent } from '../stream/parse-event.js';
import { createGenericAssembler } from '../stream/assemblers/generic-assembler.js';
import type { StreamAssembler, StreamFormat } from '../stream/types.js';
import type { Assembled } from '../types.js';
import type { Assembler } from './provider.js';
import { allProviders } from './registry.js';

const GENERIC: Assembler = { create: createGenericAssembler, json: () => undefined };

/** The assembler of a kind, from whichever provider module brings it; `generic` for an unknown kind. */
function assemblerOf(kind: string): Assembler {
  for (const p of allProviders()) {
    const found = p.assemblers[kind];
    if (found) return found;
  }
  return GENERIC;
}

/** Returns a fresh assembler for one streamed answer of the given kind. */
export function createAssembler(kind: string): StreamAssembler {
  return assemblerOf(kind).create();
}

/**
 * Assembles a whole (non-streamed) JSON answer into the same shape as a stream; undefined when
 * the JSON is not an answer of that kind (an error body, an embedding, a generic route).
 */
export function assembleJson(kind: string, json: unknown): Assembled | undefined {
  return assemblerOf(kind).json(json);
}

/**
 * Parses and assembles a recorded stream's events in one call: raw texts, or captured event
 * objects (whose parse the recorder's cross-event redaction already made and shares).
 */
export function assembleEvents(kind: string, format: StreamFormat, events: readonly (string | { readonly raw: string })[]): Assembled {
  const assembler = createAssembler(kind);
  for (const e of events) assembler.push(typeof e === 'string' ? parseEvent(format, e) : parseCapturedEvent(format, e));
  return assembler.result();
}
