/**
 * Which JSON keys mean what to a drift check. Decided once per path when the path is first
 * seen, so the hot loop over samples only reads a flag.
 */

/** How a path's values are treated. */
export type PathRole =
  /** Changes every call (ids, timestamps, usage, fingerprints): values never produce findings. */
  | 'volatile'
  /** Model output or echoed input: values are content, never an enum. */
  | 'free-text'
  /** Caller-defined objects (tool arguments, metadata): their keys are not part of the contract. */
  | 'opaque'
  /** Declared discriminator: a closed set, a new value breaks exhaustive clients. */
  | 'closed'
  /** Repeats the SSE event name: open, since SDKs skip events they do not know. */
  | 'open'
  | 'plain';

const VOLATILE = new Set([
  'id',
  'created',
  'created_at',
  'completed_at',
  'system_fingerprint',
  'obfuscation',
  'sequence_number',
  'signature',
  'thoughtSignature',
  'thought_signature',
  'encrypted_content',
  'responseId',
  'createTime',
  'updateTime',
  'expires_at',
  'cost',
]);

const FREE_TEXT = new Set([
  'text',
  'content',
  'delta',
  'arguments',
  'partial_json',
  'thinking',
  'refusal',
  'message',
  'name',
  'description',
  'title',
  'query',
  'url',
  'model',
  'modelVersion',
  'instructions',
  'summary',
  'reasoning_content',
  'reasoning',
  'b64_json',
  'embedding',
  'finishMessage',
  'stop_sequence',
  'prompt',
  'user',
  'param',
  'error_description',
  'native_finish_reason',
  'provider',
  'raw',
  'data',
]);

const OPAQUE = new Set(['input', 'args', 'metadata', 'parameters', 'schema', 'json_schema', 'properties', 'response_format']);

const CLOSED = new Set(['finish_reason', 'stop_reason', 'object', 'role', 'status', 'finishReason']);

/** Parents under which `type` is a declared discriminator (content block and delta types). */
const TYPED_PARENTS = new Set(['delta', 'content_block', 'content[]']);

/** Subtrees whose numbers and strings are all bookkeeping. */
const VOLATILE_PARENTS = new Set(['usage', 'usageMetadata', 'usage_metadata', 'x_groq', 'cost_details']);

/**
 * The role of `key` below a parent named `parentKey` (`content[]` for array elements);
 * `eventRoot` marks the top level of a stream event, where `type` repeats the event name.
 */
export function pathRole(key: string, parentKey: string | undefined, eventRoot: boolean, parentRole?: PathRole): PathRole {
  if (parentRole === 'volatile') return 'volatile';
  if (key === 'type' && eventRoot) return 'open';
  if (CLOSED.has(key)) return 'closed';
  if (key === 'type' && parentKey !== undefined && TYPED_PARENTS.has(parentKey)) return 'closed';
  if (VOLATILE.has(key) || /(_id|Id)$/.test(key) || VOLATILE_PARENTS.has(key)) return 'volatile';
  if (OPAQUE.has(key)) return 'opaque';
  // Free text is a property of string values only: `delta` objects still have typed children.
  if (FREE_TEXT.has(key)) return 'free-text';
  return 'plain';
}

/**
 * Documented values of declared discriminators (from the providers' API references and SDK
 * types): a client that followed the documented contract handles them even when no recording
 * has shown them yet, so they never count as new.
 */
export const KNOWN_VALUES: Record<string, readonly string[]> = {
  finish_reason: ['stop', 'length', 'tool_calls', 'content_filter', 'function_call'],
  stop_reason: ['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'pause_turn', 'refusal', 'model_context_window_exceeded'],
  finishReason: [
    'FINISH_REASON_UNSPECIFIED',
    'STOP',
    'MAX_TOKENS',
    'SAFETY',
    'RECITATION',
    'LANGUAGE',
    'OTHER',
    'BLOCKLIST',
    'PROHIBITED_CONTENT',
    'SPII',
    'MALFORMED_FUNCTION_CALL',
    'IMAGE_SAFETY',
    'UNEXPECTED_TOOL_CALL',
    'TOO_MANY_TOOL_CALLS',
  ],
  role: ['system', 'developer', 'user', 'assistant', 'tool', 'function', 'model'],
  object: ['chat.completion', 'chat.completion.chunk', 'response', 'list', 'embedding', 'model', 'text_completion'],
  status: [
    'completed',
    'failed',
    'in_progress',
    'incomplete',
    'cancelled',
    'queued',
    'searching',
    // google.rpc codes of Gemini error bodies
    'INVALID_ARGUMENT',
    'FAILED_PRECONDITION',
    'OUT_OF_RANGE',
    'UNAUTHENTICATED',
    'PERMISSION_DENIED',
    'NOT_FOUND',
    'ABORTED',
    'ALREADY_EXISTS',
    'RESOURCE_EXHAUSTED',
    'CANCELLED',
    'DATA_LOSS',
    'UNKNOWN',
    'INTERNAL',
    'NOT_IMPLEMENTED',
    'UNAVAILABLE',
    'DEADLINE_EXCEEDED',
  ],
  'delta.type': ['text_delta', 'input_json_delta', 'thinking_delta', 'signature_delta', 'citations_delta'],
  'content_block.type': ['text', 'tool_use', 'thinking', 'redacted_thinking', 'server_tool_use', 'web_search_tool_result'],
  'content[].type': [
    'text',
    'tool_use',
    'thinking',
    'redacted_thinking',
    'server_tool_use',
    'web_search_tool_result',
    // Responses message content
    'output_text',
    'refusal',
    'reasoning_text',
    'summary_text',
  ],
};

/** Documented values for a closed path (`choices[].finish_reason`, `message_delta:delta.stop_reason`). */
export function knownValues(path: string): readonly string[] {
  const bare = path.slice(path.indexOf(':') + 1);
  const parts = bare.split('.');
  const last = parts[parts.length - 1] ?? '';
  const two = parts.length >= 2 ? `${parts[parts.length - 2]}.${last}` : last;
  return KNOWN_VALUES[two] ?? KNOWN_VALUES[last] ?? [];
}
