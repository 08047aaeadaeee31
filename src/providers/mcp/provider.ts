import type { Provider } from '../provider.js';
import { createMcpAssembler, assembleMcpJson } from './assembler.js';
import { describeMessage, requestIds, rewriteIds, rpcError, toolRunOf } from './json-rpc.js';

/** One SSE line that carries data: the MCP SDKs write each JSON-RPC message on one `data:` line. */
const DATA_LINE = /^data: ?(.*)$/gm;

/**
 * MCP servers over the Streamable HTTP transport (MCP specification 2025-06-18 and 2025-11-25):
 * JSON-RPC messages POSTed to one endpoint, answered as JSON or as an SSE stream, a GET stream for
 * the server's own requests and notifications, DELETE to end a session. No built-in route: each
 * server is a config provider `{ "name", "upstream", "family": "mcp" }` (docs/providers.md).
 *
 * Keys: the JSON-RPC `id` is left out (a client numbers its requests itself, so the same call
 * carries another id when an agent's order of calls shifts; occurrences tell repeats apart) and
 * the replayed answer gets the replaying request's id back. `Mcp-Session-Id` is random per
 * session: it is no part of the key (not an allow-listed header), and replay hands the client
 * the session id the upstream gave at recording, which the client then sends back unchecked.
 */
export const mcp: Provider = {
  name: 'mcp',
  family: 'mcp',
  baseUrlSuffix: '',
  ignoredFields: [
    'id',
    // The SDKs use the request id as the progress token, so it is as arbitrary as the id.
    'params._meta.progressToken',
    // The client library's version: an upgrade of the SDK must not miss every initialize.
    'params.clientInfo.version',
  ],
  inputIncludesCachedTokens: false,
  apiKeyHeader(key) {
    return ['authorization', `Bearer ${key}`];
  },
  errorBody(_status, code, message) {
    return rpcError(null, code, message);
  },
  requestErrorAnswer(status, code, message, requestBody) {
    const id = requestIds(requestBody)?.ids[0];
    // A request waits for a response with its id: a JSON-RPC error under 200 reaches the caller
    // as an McpError with our message. An HTTP 404 would not: MCP reads 404 on a request with a
    // session id as "session expired" and tells clients to start a new session.
    if (id !== undefined && status < 500) return { status: 200, body: rpcError(id, code, message) };
    return { status, body: rpcError(id ?? null, code, message) };
  },
  chaosErrorBody(_fault, _status, message) {
    return rpcError(null, 'cassette_chaos', message);
  },
  replayRewrite(method, requestBody) {
    if (method !== 'POST') return undefined;
    const ids = requestIds(requestBody);
    if (!ids || (ids.ids.length === 0 && ids.progressToken === undefined)) return undefined;
    return (text, part) =>
      part === 'body'
        ? rewriteIds(text, ids)
        : text.replace(DATA_LINE, (line, data: string) => {
            const rewritten = rewriteIds(data, ids);
            return rewritten === data ? line : `data: ${rewritten}`;
          });
  },
  operation(request) {
    return request.body.kind === 'json' ? describeMessage(request.body.json) : undefined;
  },
  toolRun(request, assembled) {
    const body = request.body.kind === 'json' ? request.body.json : undefined;
    return toolRunOf(body, assembled);
  },
  clientEndsStream(method) {
    // The GET stream is the server's channel to the client for as long as the client keeps it:
    // it ends when the client closes it, which is its normal end, not a cut.
    return method === 'GET';
  },
  model() {
    return undefined;
  },
  withModel(path, body) {
    return { path, body };
  },
  isStreamRequest(_path, _query, body) {
    return body === undefined;
  },
  assemblers: { mcp: { create: createMcpAssembler, json: assembleMcpJson } },
  assemblerKind() {
    return 'mcp';
  },
  mock() {
    return undefined;
  },
  mockEndpoints: 'none (record an MCP server in live mode instead)',
  contractSchema() {
    return undefined;
  },
};
