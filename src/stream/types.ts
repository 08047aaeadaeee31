import type { Assembled, StreamFormat } from '../types.js';

/**
 * Splits decoded stream text into complete events, keeping every byte: the concatenation of
 * everything `push` and `end` return equals the concatenation of the input.
 */
export interface Framer {
  /** Feeds more decoded text; returns the raw text of each event completed by it. */
  push(text: string): string[];
  /** The stream ended: returns what is left (a trailing partial event), if anything. */
  end(): string[];
}

/** One event of a stream, parsed out of its raw text. */
export interface ParsedEvent {
  /** SSE `event:` field; for JSON formats, undefined. */
  event?: string;
  /** SSE `data:` lines joined with `\n`; for NDJSON / JSON-array, the element's JSON text. */
  data?: string;
  id?: string;
  retry?: number;
  /** SSE comment lines, without the leading colon. */
  comments: string[];
  /** `data` parsed as JSON when it is JSON. */
  json?: unknown;
}

/** Builds the assembled result of one streamed answer, event by event. */
export interface StreamAssembler {
  push(event: ParsedEvent): void;
  result(): Assembled;
}

/** Which assembler a route needs (`openai-chat`, `generic`, ...); chosen by the provider module from the request path. */
export type AssemblerKind = string;

export type { StreamFormat };
