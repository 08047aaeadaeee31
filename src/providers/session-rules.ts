import type { Usage } from '../types.js';

/**
 * What the WebSocket session code may ask about a provider's socket protocol (OpenAI Realtime,
 * Responses WebSocket mode, Gemini Live). Only `providers/` knows these quirks.
 */
export interface SessionRules {
  /** Client-frame paths left out of matching: they never change the answer (`event_id`). */
  readonly ignoredFields: readonly string[];
  /**
   * Key names whose client-generated values (ids the client makes up, new each run) are replaced by
   * `<id-N>` in order of first appearance. Values the server sent earlier in the session are kept.
   */
  readonly clientIdFields: readonly string[];
  /** Subprotocols that carry a credential (`openai-insecure-api-key.<key>`): stored as `<prefix><redacted>`. */
  readonly credentialProtocols: readonly string[];
  /** The stream a frame belongs to (Responses `stream_id`); '' when the socket is not multiplexed. */
  streamOf(frame: unknown): string;
  /** Whether a client frame asks the model to answer: order-tolerant matching never looks past it. */
  endsTurn(frame: unknown): boolean;
  /** The provider's own error event for a miss, or undefined when the protocol has none (Gemini: the close says it). */
  errorEvent(code: string, message: string): unknown;
  /** Usage a server frame reports (`response.done`, `usageMetadata`). */
  usageOf(frame: unknown): Usage | undefined;
  /** The event type of a frame, for timelines and contracts. */
  eventType(frame: unknown): string | undefined;
  /** The model a client frame names (`session.update`, `response.create`, Gemini `setup`), for cost. */
  modelOf(frame: unknown): string | undefined;
  /**
   * The answer text a server frame adds (a text delta, an audio transcript's delta), for the UI's
   * timeline where the assembled text grows frame by frame; undefined when it adds none.
   */
  textOf(frame: unknown): string | undefined;
}

/** The rules of a family without a socket API of its own. */
export const genericSessionRules: SessionRules = {
  ignoredFields: [],
  clientIdFields: [],
  credentialProtocols: [],
  streamOf: () => '',
  endsTurn: () => true,
  errorEvent: (code, message) => ({ type: 'error', error: { type: code, code, message } }),
  usageOf: () => undefined,
  modelOf: () => undefined,
  textOf: () => undefined,
  eventType: (frame) =>
    typeof frame === 'object' && frame !== null && typeof (frame as { type?: unknown }).type === 'string'
      ? (frame as { type: string }).type
      : undefined,
};
