import type { z } from 'zod';
import type { HttpChaosFault } from '../safety/chaos-responses.js';
import type { Assembled, RecordedRequest, RecordedResponse } from '../types.js';
import type { StreamAssembler } from '../stream/types.js';
import type { MockContext } from './mock-kit/mock-context.js';
import type { SessionRules } from './session-rules.js';

/** USD per million tokens. */
export interface Price {
  input: number;
  output: number;
  cacheRead?: number;
  cacheWrite?: number;
}

/** What one known endpoint must contain: a schema per document (`` = body or unnamed event). */
export interface BuiltinSchema {
  name: string;
  docs: Readonly<Record<string, z.ZodType>>;
}

/** A request about to go upstream (see `Provider.prepareUpstream`). */
export interface UpstreamRequestParts {
  method: string;
  /** The upstream URL: origin, path (percent-encoding as on the wire) and query. */
  url: URL;
  /** The headers the proxy would send (hop-by-hop and `x-cassette-*` already removed). */
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** Reads one kind of answer: event by event when streamed, in one call when whole. */
export interface Assembler {
  /** A fresh assembler for one streamed answer. */
  create(): StreamAssembler;
  /** The whole (non-streamed) JSON answer in the same shape; undefined when it is not such an answer. */
  json(json: unknown): Assembled | undefined;
}

/** A tool executed by a request (MCP `tools/call`): what ran, with which arguments, and what it gave back. */
export interface ToolRun {
  name: string;
  arguments: unknown;
  /** The result's text (or the error's message). */
  result?: string;
  /** The tool reported an error (MCP `isError`) or the call failed. */
  isError?: boolean;
}

/**
 * Everything the product may know about one provider. A provider module (`src/providers/<name>/`)
 * exports one object of this shape; the registry (`registry.ts`) is the only way the rest of the
 * product reaches it, and nothing outside `src/providers/` branches on a provider's name.
 *
 * Two names: `name` is the routing prefix (`/<name>/...`) of a built-in route, `family` the wire
 * protocol it speaks (stored with every interaction; config providers name it). Providers of one
 * family (OpenAI, OpenRouter) share a wire protocol; the first one registered answers for it.
 */
export interface Provider {
  /** Routing prefix of the built-in route (`/openai/...`). */
  readonly name: string;
  /** Wire family: stored as an interaction's `family`, named by config providers' `family`. */
  readonly family: string;
  /** Upstream of the built-in route; absent: routed only when the config names the provider. */
  readonly upstream?: string;
  /**
   * Environment variable that names the upstream of a provider without a fixed host (Azure's
   * `AZURE_OPENAI_ENDPOINT`), read from the proxy's own environment; `--upstream` and config win.
   */
  readonly upstreamEnv?: string;
  /** What to tell a user whose forwarding request finds no upstream set (routed, not forwardable). */
  readonly upstreamHint?: string;
  /**
   * Where one request goes when its host depends on its path (Vertex: the region in the path);
   * returns `upstream` itself otherwise. Only ever a host the module knows: never one from the request.
   */
  upstreamFor?(upstream: URL, path: string): URL;
  /** Environment variable the provider's SDKs read for their base URL (banner, `cassette run`). */
  readonly baseUrlEnv?: string;
  /** Further base-URL variables some of its SDKs read instead. */
  readonly baseUrlEnvAliases?: readonly string[];
  /** Suffix a SUT's SDK expects after the proxy URL (`/v1` for OpenAI-compatible SDKs). */
  readonly baseUrlSuffix: string;
  /** API-key variables its SDKs read besides `<NAME>_API_KEY` (for `replay --live`). */
  readonly apiKeyEnv?: readonly string[];
  /** The header an SDK of this family sends its API key in. */
  apiKeyHeader(key: string): [name: string, value: string];
  /** Response headers that identify an account or change every call: never stored. */
  readonly volatileResponseHeaders?: readonly string[];
  /** Prefixes of such headers (`anthropic-ratelimit-`). */
  readonly volatileResponseHeaderPrefixes?: readonly string[];

  /** Request body paths left out of the key by default: they never change the answer. */
  readonly ignoredFields: readonly string[];
  /**
   * Rewrites a JSON request body for the key only (never what is sent or stored): values a client
   * makes up per run, such as Gemini's client-generated call ids. `name` (versioned) goes into the
   * key rules' fingerprint, so a store keyed without it is re-keyed on load.
   */
  readonly keyRewrite?: { readonly name: string; apply(json: unknown): unknown };
  /** The model a request names (body field or path segment). */
  model(path: string, body: unknown): string | undefined;
  /** Rewrites the model a request names (for `replay --live --model`). */
  withModel(path: string, body: unknown, model: string): { path: string; body: unknown };
  /** Whether the request asks for a streamed answer. */
  isStreamRequest(path: string, query: string, body: unknown): boolean;
  /** The path whose answer says the same as this one's (a streamed route and its whole twin). */
  samePath?(path: string): string;
  /**
   * The versioned path of a request some SDKs send without the API version (the Vercel AI SDK
   * appends `/messages` to `ANTHROPIC_BASE_URL`): `/messages` → `/v1/messages`. Undefined when the
   * path already names a version or is not one of the provider's unversioned resources.
   */
  versionedPath?(path: string): string | undefined;

  /** Assemblers by kind (`openai-chat`): kinds are unique across providers. */
  readonly assemblers: Readonly<Record<string, Assembler>>;
  /** Which assembler kind reads this route's answers (`generic` when none). */
  assemblerKind(path: string): string;
  /** Whether the reported input count already includes cache reads (OpenAI, Gemini) or not (Anthropic). */
  readonly inputIncludesCachedTokens: boolean;
  /** List prices by model-name prefix (the longest matching prefix over all providers wins). */
  readonly prices?: Readonly<Record<string, Price>>;

  /** The family's own error envelope, so SDKs surface our message (miss, refusal, proxy error) as theirs. */
  errorBody(status: number, code: string, message: string): unknown;
  /** Headers that go with `errorBody` when the family says the error's type in a header (Bedrock's `x-amzn-errortype`). */
  errorHeaders?(status: number, code: string): Record<string, string>;
  /**
   * What a request asks when its path alone does not say (JSON-RPC: `tools/call add`), for
   * people: miss messages, `cassette show`, the UI. Undefined: the method and path say it.
   */
  operation?(request: RecordedRequest): string | undefined;
  /**
   * The tool a request runs (MCP `tools/call`), read from the stored request and its assembled
   * answer, so `show` and the UI put it beside the model's tool call. Undefined: it runs none.
   */
  toolRun?(request: RecordedRequest, assembled: Assembled | undefined): ToolRun | undefined;
  /**
   * The proxy's own error answer to one request, when the family's envelope names the request
   * (JSON-RPC echoes its `id`): body and the HTTP status it goes under. Absent: `errorBody`.
   */
  requestErrorAnswer?(status: number, code: string, message: string, requestBody: Buffer): { status: number; body: unknown };
  /**
   * Adjusts a recorded answer to the request replaying it (JSON-RPC: the response carries the
   * replaying request's `id`): a rewrite of a whole body's text or of one stream event's raw
   * text, returning the text unchanged when nothing differs. Undefined: served as recorded.
   */
  replayRewrite?(method: string, requestBody: Buffer): ((text: string, part: 'body' | 'event') => string) | undefined;
  /**
   * Whether a streamed answer to this request is ended by the client, not the server (MCP's GET
   * stream): recorded as complete when the client closes it, and held open after its recorded
   * events on replay until the client closes it.
   */
  clientEndsStream?(method: string, path: string): boolean;
  /** The family's body of an injected HTTP fault (`--chaos`). */
  chaosErrorBody(fault: HttpChaosFault, status: number, message: string): unknown;
  /** Headers that go with `chaosErrorBody`, like `errorHeaders`. */
  chaosErrorHeaders?(fault: HttpChaosFault, status: number): Record<string, string>;

  /**
   * The last word on a request before it goes upstream (forwarding modes only): returns the
   * headers to send. Bedrock re-signs here: the client's SigV4 signature covers the proxy's host.
   */
  prepareUpstream?(request: UpstreamRequestParts): Promise<Record<string, string | string[]>>;

  /** Mock mode: a synthetic answer in the family's wire shape, undefined for an endpoint it does not mock. */
  mock(ctx: MockContext): RecordedResponse | undefined;
  /** The endpoints `mock` answers, for the 404 of any other. */
  readonly mockEndpoints: string;

  /** Its WebSocket protocol (OpenAI Realtime, Gemini Live), when it has one (docs/websocket.md). */
  readonly sessionRules?: SessionRules;

  /**
   * Loads what `contractSchema` needs (zod schemas) before the first call; the contract checker
   * awaits it once. Lazy, so a proxy that never checks contracts never loads zod.
   */
  loadContract?(): Promise<unknown>;
  /**
   * The built-in contract schema of a route. `own` is false when the interaction is of another
   * family: then answer only for routes that are unmistakably this wire protocol (OpenAI-compatible
   * routes answer in OpenAI's shape whichever provider serves them).
   */
  contractSchema(route: string, stream: boolean, statusClass: string, own: boolean): BuiltinSchema | undefined;
}
