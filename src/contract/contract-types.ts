/**
 * The nouns of contract drift (SPEC §8): a *contract* is the inferred shape of one provider's
 * responses, split into *endpoint families*; a *finding* is one difference between a baseline
 * contract and what newer recordings (or one live answer) show.
 */
import type { StreamFormat } from '../types.js';

export const SEVERITIES = ['breaking', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** JSON value types as a contract tells them apart; integers and floats are both `number`. */
export const JSON_TYPES = ['array', 'boolean', 'null', 'number', 'object', 'string'] as const;
export type JsonType = (typeof JSON_TYPES)[number];

/** How a path's string values are judged: closed and inferred sets yield findings, open ones never. */
export type EnumKind = 'closed' | 'inferred' | 'open';

/** What the baseline knows about one JSON path (array indices collapsed to `[]`). */
export interface PathContract {
  /** How often the path could have been there (its parent was an object, or array elements). */
  samples: number;
  /** How often it was there. `present === samples` makes it required. */
  present: number;
  /** In how many interactions it was there: samples of one stream are not independent. */
  interactions?: number;
  types: Partial<Record<JsonType, number>>;
  /** Set for enum-like strings: declared discriminators, inferred enums and open sets. */
  enum?: EnumKind;
  /** String values with their counts; only kept when `enum` is set. */
  values?: Record<string, number>;
  /** The one format every string value had (`prefix:chatcmpl-`, `iso-datetime`, `url`...). */
  format?: string;
  /** For array-typed paths: how many of the arrays were empty. */
  empty?: number;
}

/** The event grammar of a streamed endpoint family. */
export interface StreamGrammar {
  streams: number;
  formats: Partial<Record<StreamFormat, number>>;
  /** Event type → in how many streams it appeared. Events without a name are `message`. */
  events: Record<string, number>;
  /** Event type of the first event → how many streams began with it. */
  first: Record<string, number>;
  /** Event type of the last event (the `[DONE]` sentinel excluded) → count. */
  last: Record<string, number>;
  /** `[DONE]`, `message_stop`, `response.completed`, `done`, `finishReason` or `close` → count. */
  terminators: Record<string, number>;
  /** Streams that carried SSE comment lines. */
  commentStreams: number;
  /** Streams with a usage-bearing event. */
  usageStreams: number;
  /** Arrays at the top of each stream's first JSON event: how often seen, how often empty. */
  firstEventArrays: Record<string, { seen: number; empty: number }>;
}

export interface EndpointContract {
  provider: string;
  family: string;
  method: string;
  route: string;
  stream: boolean;
  statusClass: string;
  /** Interactions folded in. */
  interactions: number;
  /** JSON documents folded in (one per body, one per JSON stream event). */
  documents: number;
  paths: Record<string, PathContract>;
  grammar?: StreamGrammar;
  /** Built-in schema applied, with the paths where recordings already violated it. */
  schema?: { name: string; violations: Record<string, number> };
}

export interface Contract {
  version: 1;
  provider: string;
  interactions: number;
  endpoints: Record<string, EndpointContract>;
  /**
   * Request key → response signatures seen for it (`2xx sse text/event-stream +usage`), so a
   * status, content-type or transport change of the *same request* is told apart from a new one.
   */
  requests: Record<string, string[]>;
}

/** One side of a finding's evidence. */
export interface Evidence {
  /** One line for people: `present in 12/12 samples`, `types string×3`. */
  summary: string;
  /** Samples the statement rests on. */
  samples: number;
  /** Structured detail for machines (types histogram, values, event counts...). */
  detail?: Record<string, unknown>;
}

export interface Finding {
  severity: Severity;
  /** Stable check id (docs/drift-rules.md). */
  check: string;
  provider: string;
  /** Endpoint family id: `openai POST /v1/chat/completions stream 2xx`. */
  endpoint: string;
  /** JSON path, `event:path` for stream events, or a grammar / request aspect. */
  path: string;
  message: string;
  baseline: Evidence;
  observed: Evidence;
  /** Where it was seen: `episode/take/position`, at most a handful. */
  interactions: string[];
}

/** What `contract check` threshold accepts; `never` only reports. */
export type FailOn = Severity | 'never';

/** The config file's `contract` section (severity overrides, dated ignore list). */
export interface ContractConfig {
  severity?: Record<string, Severity | 'off'>;
  ignore?: { check?: string; path?: string; provider?: string; until?: string; reason?: string }[];
}
