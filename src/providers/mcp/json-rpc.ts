import type { Assembled } from '../../types.js';
import { isRecord } from '../../util/is-record.js';
import type { ToolRun } from '../provider.js';

/** A JSON-RPC 2.0 id: the client's number or string for one request (null in an error to no request). */
export type JsonRpcId = string | number | null;

/**
 * Our JSON-RPC error code for a proxy answer (miss, refusal, proxy error): in the range JSON-RPC
 * leaves to implementations (-32000 to -32099), apart from the MCP SDKs' own (-32000 connection
 * closed, -32001 request timeout). The stable string code travels in `error.data.code`.
 */
export const CASSETTE_RPC_ERROR = -32042;

/** The request ids and progress token of a client message (one object, or a batch array). */
export interface RequestIds {
  /** Id of each request in the message, in order; empty for notifications and responses. */
  ids: JsonRpcId[];
  /** `params._meta.progressToken` of the (first) request, when it asked for progress. */
  progressToken?: string | number;
}

/** Parses a POST body's JSON-RPC ids; undefined when the body is not JSON-RPC. */
export function requestIds(body: Buffer): RequestIds | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const messages = Array.isArray(parsed) ? parsed : [parsed];
  const out: RequestIds = { ids: [] };
  for (const m of messages) {
    if (!isRecord(m) || typeof m.method !== 'string' || !('id' in m)) continue;
    out.ids.push(m.id as JsonRpcId);
    const token = isRecord(m.params) && isRecord(m.params._meta) ? m.params._meta.progressToken : undefined;
    if (out.progressToken === undefined && (typeof token === 'string' || typeof token === 'number')) out.progressToken = token;
  }
  return out;
}

/** A JSON-RPC error message, as MCP clients match it to their request by `id`. */
export function rpcError(id: JsonRpcId, code: string, message: string): unknown {
  return { jsonrpc: '2.0', id, error: { code: CASSETTE_RPC_ERROR, message, data: { code } } };
}

/** Whether a message is a response (a result or an error to a request), not a request or notification. */
export function isResponse(m: unknown): m is Record<string, unknown> & { id: JsonRpcId } {
  return isRecord(m) && !('method' in m) && 'id' in m && ('result' in m || 'error' in m);
}

/**
 * Gives the responses and progress notifications in one JSON text the ids of the request being
 * answered now: a client numbers its requests itself (0, 1, 2, ... per connection), so the id a
 * recording answered is not the id a replaying client waits for. Text that needs no change comes
 * back as it is (same bytes); a changed message is written again with JSON.stringify, the way the
 * MCP SDKs write them.
 */
export function rewriteIds(json: string, ids: RequestIds): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return json;
  }
  const messages = Array.isArray(parsed) ? parsed : [parsed];
  let changed = false;
  let next = 0;
  for (const m of messages) {
    if (isResponse(m)) {
      const id = ids.ids[next++];
      if (id !== undefined && m.id !== id) {
        m.id = id;
        changed = true;
      }
    } else if (isRecord(m) && m.method === 'notifications/progress' && isRecord(m.params) && ids.progressToken !== undefined) {
      if (m.params.progressToken !== ids.progressToken) {
        m.params.progressToken = ids.progressToken;
        changed = true;
      }
    }
  }
  return changed ? JSON.stringify(parsed) : json;
}

/** `tools/call add`, `tools/list`, `initialize`: the method of a client message, with the tool or resource it names. */
export function describeMessage(json: unknown): string | undefined {
  const first = Array.isArray(json) ? json[0] : json;
  if (!isRecord(first) || typeof first.method !== 'string') return isResponse(first) ? 'response' : undefined;
  const params = isRecord(first.params) ? first.params : {};
  const target = typeof params.name === 'string' ? params.name : typeof params.uri === 'string' ? params.uri : undefined;
  const more = Array.isArray(json) && json.length > 1 ? ` (+${json.length - 1})` : '';
  return `${first.method}${target ? ` ${target}` : ''}${more}`;
}

/** The tool a `tools/call` request runs and what its answer (assembled) says. */
export function toolRunOf(body: unknown, assembled: Assembled | undefined): ToolRun | undefined {
  if (!isRecord(body) || body.method !== 'tools/call' || !isRecord(body.params) || typeof body.params.name !== 'string') return undefined;
  const isError = assembled?.finishReason === 'tool_error' || assembled?.finishReason === 'error';
  return {
    name: body.params.name,
    arguments: body.params.arguments ?? {},
    ...(assembled?.text ? { result: assembled.text } : {}),
    ...(isError ? { isError } : {}),
  };
}
