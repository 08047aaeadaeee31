/**
 * The nouns of llm-cassette, shared by every layer (see the glossary in docs/architecture.md).
 *
 * An *episode* groups the interactions of one run; each live session of an episode writes a new
 * *take*; a take holds *interactions* in call order (*position*); an interaction is found again
 * by its request *key* and *occurrence* (the n-th identical request of the take).
 */

export const MODES = ['golden', 'live', 'record-missing', 'passthrough', 'smoke', 'mock'] as const;
export type Mode = (typeof MODES)[number];

/** A request or response body as stored: JSON when it parses, text when it is UTF-8, else base64. */
export type StoredBody =
  | { kind: 'empty' }
  | {
      kind: 'json';
      json: unknown;
      /** Exact text when `JSON.stringify(json, null, indent)` does not reproduce the bytes. */
      raw?: string;
      /** Indentation that reproduces the bytes (0 = compact). */
      indent?: number;
    }
  | { kind: 'text'; text: string }
  | { kind: 'base64'; base64: string };

/** A rewrite rule of the config (`redact`, `match.normalize`): a regex, what replaces it, where. */
export interface RewriteRule {
  pattern: string;
  replacement: string;
  flags?: string | undefined;
  /** JSON path the rule is limited to (whole text when absent). */
  path?: string | undefined;
}

/** Wire format of a streamed response body. */
export type StreamFormat = 'sse' | 'ndjson' | 'json-array' | 'aws-eventstream';

/** One event of a recorded stream: its exact bytes (decoded text) and when it arrived. */
export interface StreamEvent {
  /** Milliseconds since the request started. */
  ms: number;
  /**
   * The event's exact text including its trailing separator (`data: {...}\n\n`); for a binary
   * format (`aws-eventstream`), the base64 of the message's exact bytes.
   */
  raw: string;
  /**
   * The event's exact bytes, base64, when they are not valid UTF-8 (a text format only): `raw` then
   * holds their decoding, with U+FFFD for each bad sequence, and replay sends these bytes instead.
   */
  base64?: string;
}

export interface StoredStream {
  format: StreamFormat;
  events: StreamEvent[];
  /** False when the stream was cut short (abort, reset, upstream error mid-body). */
  complete: boolean;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  /** Cost as the provider reported it (OpenRouter `usage.cost`), in USD. */
  reportedCostUsd?: number;
}

/** What a stream (or a JSON answer) amounts to, per family: read by people, usage, drift. */
export interface Assembled {
  /** Concatenated assistant text. */
  text: string;
  toolCalls: { id?: string; name: string; arguments: unknown }[];
  /** finish_reason / stop_reason / finishReason / status. */
  finishReason?: string;
  usage?: Usage;
  model?: string;
  /** Family-specific extra pieces (thinking blocks, thought signatures, the final response object). */
  extra?: Record<string, unknown>;
}

export interface RecordedRequest {
  method: string;
  /** Path below the provider prefix, e.g. `/v1/chat/completions`. */
  path: string;
  /** Query pairs in their original order, secrets removed. */
  query: [string, string][];
  /** Allow-listed, lower-cased request headers that change the response. */
  headers: Record<string, string>;
  /**
   * Body after redaction (what is matched and stored). A JSON body keeps the bytes sent in `raw`
   * (redacted in place) when `JSON.stringify(json, null, indent)` does not reproduce them; older
   * stores hold the parsed value only, and are resent as compact JSON.
   */
  body: StoredBody;
  /**
   * The request's `content-type` when a resend could not infer it (a JSON body is resent as
   * `application/json`): another spelling, or the type of a text or binary body. Not part of the key.
   */
  contentType?: string;
}

export interface RecordedResponse {
  status: number;
  /** Lower-cased, normalized response headers (volatile and transport headers dropped). */
  headers: Record<string, string | string[]>;
  /** Whole body for non-streamed answers (decoded). */
  body?: StoredBody;
  /** Event list for streamed answers (decoded). */
  stream?: StoredStream;
  /** A WebSocket session (status 101): its frames both ways and its close. See docs/websocket.md. */
  session?: StoredSession;
}

/** One WebSocket message as recorded: who sent it, when, and its payload (text as JSON or text; binary as base64). */
export interface WebSocketFrame {
  /** Milliseconds since the upgrade request arrived. */
  ms: number;
  from: 'client' | 'server';
  /** Sent as a binary frame (its bytes are `body`: JSON or text when they are UTF-8, else base64). */
  binary?: true;
  body: StoredBody;
}

/** A recorded WebSocket session: the subprotocols, the ordered frames, and how it ended. */
export interface StoredSession {
  /** Subprotocols the client offered, credentials replaced (`openai-insecure-api-key.<redacted>`). */
  protocols: string[];
  /** The subprotocol the server chose, if any. */
  protocol?: string;
  frames: WebSocketFrame[];
  /** Absent when the session was cut (a socket dropped without a close frame). */
  close?: { by: 'client' | 'server'; code: number; reason: string; ms: number };
}

export interface Timings {
  /** Time to first byte of the upstream response, ms. */
  ttfbMs: number;
  totalMs: number;
}

/** One recorded request/response pair. */
export interface Interaction {
  episode: string;
  take: number;
  /** 1-based call order within the take. */
  position: number;
  provider: string;
  /** Wire family of the provider module that recorded it (`openai`, `anthropic`, ...). */
  family: string;
  key: string;
  keyVersion: number;
  /**
   * Fingerprint of the key rules `key` was computed under (KEY_VERSION and the provider's
   * `match.ignore`/`match.normalize` rules). Absent in older stores: golden then recomputes the key.
   */
  keyRules?: string;
  occurrence: number;
  request: RecordedRequest;
  response: RecordedResponse;
  /** False when the response was cut short: never served as golden. */
  complete: boolean;
  /**
   * Why the answer's body is not stored (it was over `limits.maxRecordedBytes` or decompressed past
   * `limits.maxDecompressionRatio`). Such an interaction is incomplete: golden never serves it.
   */
  unrecordable?: string;
  /**
   * Why the answer is stored as it came off the wire, still encoded (a `content-encoding` this
   * runtime cannot decode, such as zstd on Node 20): the header is kept with the bytes, replay sends
   * both byte for byte, and the body was neither redacted nor assembled.
   */
  opaque?: string;
  timings: Timings;
  usage?: Usage;
  costUsd?: number;
  assembled?: Assembled;
  /** ISO-8601 recording time. */
  recordedAt: string;
  productVersion: string;
}

export interface TakeSummary {
  episode: string;
  take: number;
  createdAt: string;
  closedAt?: string;
  mode: Mode;
  interactions: number;
  incomplete: number;
}
