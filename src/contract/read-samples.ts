import type { Interaction, StreamFormat } from '../types.js';
import { sessionRulesOf } from '../providers/registry.js';
import { parseStreamEvent } from './parse-stream-event.js';
import { isRecord } from '../util/is-record.js';

/** One JSON document of an answer: the body, or one stream event's data. */
export interface Sample {
  /** Stream event type; `` for a JSON body and for unnamed events (SSE type `message`). */
  event: string;
  json: unknown;
}

/** The grammar of one recorded stream. */
export interface StreamSummary {
  /** The stream format, or `websocket` for the server frames of a session. */
  format: StreamFormat | 'websocket';
  /** Event type of each event in order (comment-only events and `[DONE]` left out). */
  events: string[];
  comments: number;
  /** `[DONE]`, `message_stop`, `response.completed`..., `done` (Ollama), `finishReason` or `close`. */
  terminator: string;
  /** Top-level arrays of the first JSON event and whether each was empty. */
  firstEventArrays: Record<string, boolean>;
}

/** What a drift check reads of one interaction. */
export interface Samples {
  docs: Sample[];
  stream?: StreamSummary;
  /** `json`, `text`, `binary`, `empty`, or the stream format (`sse`, `ndjson`, `json-array`). */
  transport: string;
  /** Media type without parameters, lower-cased; `` when absent. */
  contentType: string;
  /** Whether the answer reported token usage anywhere. */
  usage: boolean;
}

/** Events without an `event:` field are of type `message` (SSE); their paths carry no prefix. */
export const UNNAMED_EVENT = 'message';
const DONE = '[DONE]';
const TERMINAL_EVENTS = new Set(['message_stop', 'response.completed', 'response.failed', 'response.incomplete']);

/** Reads the JSON documents, stream grammar, transport and content type of an interaction. */
export function readSamples(interaction: Interaction): Samples {
  const response = interaction.response;
  const contentType = mediaType(response.headers['content-type']);
  if (response.session) return readSessionSamples(interaction, contentType);
  const stream = response.stream;
  if (stream === undefined) {
    const body = response.body;
    const transport = body === undefined || body.kind === 'empty' ? 'empty' : body.kind === 'base64' ? 'binary' : body.kind;
    const docs = body?.kind === 'json' ? [{ event: '', json: body.json }] : [];
    return { docs, transport, contentType, usage: docs.length > 0 && hasUsage(docs[0]!.json) };
  }
  const docs: Sample[] = [];
  const events: string[] = [];
  let comments = 0;
  let done = false;
  let usage = false;
  let lastJson: unknown;
  for (const { raw } of stream.events) {
    const parsed = parseStreamEvent(stream.format, raw);
    comments += parsed.comments.length;
    if (parsed.data === DONE) {
      done = true;
      continue;
    }
    if (parsed.data === undefined && parsed.event === undefined) continue;
    const json = parsed.json;
    const typeField = isRecord(json) && typeof json.type === 'string' ? json.type : undefined;
    const name = parsed.event ?? typeField ?? UNNAMED_EVENT;
    events.push(name);
    if (json !== undefined) {
      docs.push({ event: name === UNNAMED_EVENT ? '' : name, json });
      lastJson = json;
      if (!usage && hasUsage(json)) usage = true;
    }
  }
  const last = events[events.length - 1];
  const terminator = done
    ? DONE
    : last !== undefined && TERMINAL_EVENTS.has(last)
      ? last
      : isRecord(lastJson) && lastJson.done === true
        ? 'done'
        : hasFinishReason(lastJson)
          ? 'finishReason'
          : 'close';
  const summary: StreamSummary = {
    format: stream.format,
    events,
    comments,
    terminator,
    firstEventArrays: topArrays(docs[0]),
  };
  return { docs, stream: summary, transport: stream.format, contentType, usage };
}

/**
 * A WebSocket session read like a stream: each JSON server frame is an event named by its
 * provider's event type (`response.done`, Gemini `serverContent`), so inference learns the server
 * event types and their shapes per provider and drift in them is classified like SSE drift.
 */
function readSessionSamples(interaction: Interaction, contentType: string): Samples {
  const session = interaction.response.session as NonNullable<Interaction['response']['session']>;
  const rules = sessionRulesOf(interaction.family);
  const docs: Sample[] = [];
  const events: string[] = [];
  let usage = false;
  for (const f of session.frames) {
    if (f.from !== 'server' || f.body.kind !== 'json') continue;
    const name = rules.eventType(f.body.json) ?? UNNAMED_EVENT;
    events.push(name);
    docs.push({ event: name === UNNAMED_EVENT ? '' : name, json: f.body.json });
    if (!usage && hasUsage(f.body.json)) usage = true;
  }
  const summary: StreamSummary = { format: 'websocket', events, comments: 0, terminator: 'close', firstEventArrays: topArrays(docs[0]) };
  return { docs, stream: summary, transport: 'websocket', contentType, usage };
}

function mediaType(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return '';
  const semicolon = value.indexOf(';');
  return (semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}

/** Usage objects of every family: top level, inside `response`/`message`, Groq's `x_groq`. */
function hasUsage(json: unknown): boolean {
  if (!isRecord(json)) return false;
  if (isRecord(json.usage) || isRecord(json.usageMetadata)) return true;
  for (const inner of [json.response, json.message, json.x_groq]) {
    if (isRecord(inner) && isRecord(inner.usage)) return true;
  }
  return false;
}

/** A last chunk that ends the answer itself (Gemini `finishReason`, a chat `finish_reason`). */
function hasFinishReason(json: unknown): boolean {
  if (!isRecord(json)) return false;
  const list = Array.isArray(json.candidates) ? json.candidates : Array.isArray(json.choices) ? json.choices : [];
  return list.some((c) => isRecord(c) && (typeof c.finishReason === 'string' || typeof c.finish_reason === 'string'));
}

/** Keyed by path as in the contract (`choices`, `message_start:content`). */
function topArrays(first: Sample | undefined): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  if (first === undefined || !isRecord(first.json)) return out;
  const prefix = first.event === '' ? '' : `${first.event}:`;
  for (const key in first.json) {
    const value = first.json[key];
    if (Array.isArray(value)) out[prefix + key] = value.length === 0;
  }
  return out;
}
