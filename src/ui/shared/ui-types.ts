/**
 * What the UI's JSON API answers, shared by the server (src/ui/) and the browser bundle (web/).
 * Plain data only: the same shapes are embedded in a static report.
 */

/** One episode in the list: its newest take summed up, and what this proxy session saw of it. */
export interface EpisodeRow {
  episode: string;
  /** How many takes the store holds. */
  takes: number;
  /** The newest take's number (the one golden serves). */
  take: number;
  /** Complete interactions of the newest take. */
  calls: number;
  /** Interactions across every take. */
  recorded: number;
  /** Cut-short interactions across every take. */
  incomplete: number;
  /** Answers of the newest take with status 400 or more. */
  errors: number;
  /** Served from the cassette by this proxy session (0 without a proxy). */
  hits: number;
  /** Missed by this proxy session (0 without a proxy). */
  misses: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum of the newest take's total latencies, ms. */
  latencyMs: number;
  /** ISO time of the newest recording or of the last call this session served. */
  lastUsed: string;
  models: string[];
  providers: string[];
}

export const EPISODE_SORTS = ['lastUsed', 'episode', 'cost', 'calls', 'tokens'] as const;
export type EpisodeSort = (typeof EPISODE_SORTS)[number];

export interface EpisodeQuery {
  /** Words that must all appear in the episode id, a model, a provider, a prompt or an answer. */
  q?: string;
  model?: string;
  provider?: string;
  sort?: EpisodeSort;
  /** Where the previous page ended (`EpisodePage.nextCursor`), for the same query. */
  cursor?: string;
  offset?: number;
  limit?: number;
}

export interface EpisodePage {
  total: number;
  offset: number;
  limit: number;
  items: EpisodeRow[];
  /** Every model and provider of the store, for the filter menus. */
  models: string[];
  providers: string[];
  /** The cursor of the next page, when one follows. */
  nextCursor?: string;
}

export interface ToolCallView {
  id?: string;
  name: string;
  arguments: unknown;
  /** The step that ran this call (an MCP `tools/call` later in the tape). */
  runStep?: number;
}

/** A tool this step ran (MCP `tools/call`), tied to the model's call it carries out. */
export interface ToolRunView {
  name: string;
  arguments: unknown;
  result?: string;
  isError?: boolean;
  /** The step whose answer asked for this call, and the call's id there. */
  callStep?: number;
  callId?: string;
}

/** A tool's answer found in a later request, tied to the call it answers. */
export interface ToolResultView {
  id?: string;
  name?: string;
  content: string;
}

/** One step of an episode's take. */
export interface StepRow {
  take: number;
  position: number;
  provider: string;
  method: string;
  path: string;
  model?: string;
  status: number;
  complete: boolean;
  streamed: boolean;
  ttfbMs: number;
  totalMs: number;
  inputTokens: number;
  outputTokens: number;
  costUsd?: number;
  finishReason?: string;
  /** The last thing the user said (shortened). */
  prompt?: string;
  /** The answer's text (shortened). */
  answer?: string;
  toolCalls: ToolCallView[];
  /** Tool results this step's request carries back (answers to earlier calls). */
  toolResults: ToolResultView[];
  /** The tool this step ran, when it is a tool server's call (MCP), not a model's. */
  toolRun?: ToolRunView;
  /** What the request asks when its path does not say (`tools/call add`). */
  operation?: string;
  /** A WebSocket session (status 101): its frames both ways, drawn as a strip on the step's row. */
  session?: SessionSummary;
  recordedAt: string;
}

/** A WebSocket session in one line: frame counts both ways, how it ended, and where its frames fall in time. */
export interface SessionSummary {
  frames: number;
  client: number;
  server: number;
  /** Milliseconds from the upgrade to the close (or the last frame). */
  durationMs: number;
  /** Absent when the session was cut (no close frame). */
  close?: { by: 'client' | 'server'; code: number; reason: string };
  /** When each frame came and from which side; at most 200, evenly picked from a longer session. */
  marks: { ms: number; from: 'client' | 'server' }[];
}

export interface TakeView {
  take: number;
  createdAt: string;
  closedAt?: string;
  mode: string;
  interactions: number;
  incomplete: number;
}

export interface EpisodeDetail {
  episode: string;
  take: number;
  takes: TakeView[];
  steps: StepRow[];
}

/**
 * One stream event, or one WebSocket frame, on the time axis; `textLength` is how much of the
 * assembled text exists by then.
 */
export interface TimelineEvent {
  ms: number;
  type: string;
  raw: string;
  textLength: number;
  /** WebSocket frames only: who sent it, and whether it was a binary frame. */
  from?: 'client' | 'server';
  binary?: boolean;
}

export interface InteractionDetail {
  episode: string;
  take: number;
  position: number;
  provider: string;
  model?: string;
  /** The stored interaction as JSON, credential shapes replaced by redaction markers. */
  interaction: Record<string, unknown>;
  /**
   * Streams and WebSocket sessions: the events (a session's frames, both ways) on a time axis and
   * the text they assemble to. A session's frames are here, not in `interaction`.
   */
  timeline?: {
    kind?: 'stream' | 'websocket';
    events: TimelineEvent[];
    text: string;
    complete: boolean;
    /** WebSocket sessions: how the session ended (absent when it was cut) and the chosen subprotocol. */
    close?: { by: 'client' | 'server'; code: number; reason: string; ms: number };
    protocol?: string;
  };
}

/** One labelled difference of a step between two takes or episodes. */
export interface StepDiff {
  step: number;
  /** `same`, `changed`, `added` (only in B), `removed` (only in A). */
  kind: 'same' | 'changed' | 'added' | 'removed';
  a?: { take: number; position: number; provider: string; method: string; path: string; model?: string; status: number };
  b?: { take: number; position: number; provider: string; method: string; path: string; model?: string; status: number };
  /** What differs in the request, in words ("model changed: a → b"). */
  request: string[];
  /** What differs in the answer, in words ("finish reason stop → length"). */
  answer: string[];
  /** JSON paths of the request body that differ, for highlighting. */
  paths: string[];
}

export interface TakeDiff {
  a: { episode: string; take: number };
  b: { episode: string; take: number };
  steps: StepDiff[];
  changed: number;
}

/** A miss as the live view and a report show it: what was asked, the nearest recording, what differs. */
export interface MissView {
  episode: string;
  provider: string;
  method: string;
  path: string;
  message: string;
  /** The missed request as it would have been stored (redacted). */
  request?: unknown;
  nearest?: { take?: number; position: number; method: string; path: string; request?: unknown };
  differences: string[];
  /** Request body paths that differ, to highlight on both sides. */
  paths: string[];
}

/** One proxied call as it happened (server-sent events and the activity list). */
export interface ActivityEvent {
  seq: number;
  at: string;
  episode: string;
  provider: string;
  method: string;
  path: string;
  outcome: string;
  status: number;
  ms: number;
  miss?: MissView;
}

export interface DriftView {
  /** When the check ran (ISO) and against which baseline directory. */
  checkedAt: string;
  contractsDir: string;
  ok: boolean;
  findings: {
    severity: string;
    check: string;
    provider?: string;
    endpoint?: string;
    path: string;
    message?: string;
    baseline?: unknown;
    observed?: unknown;
    evidence?: unknown;
  }[];
  unchecked: { provider: string; reason: string }[];
}

/** Cost and latency per take of one episode, per model. */
export interface CostSeries {
  episode: string;
  takes: number[];
  series: { model: string; costUsd: (number | null)[]; latencyMs: (number | null)[]; tokens: (number | null)[] }[];
}
