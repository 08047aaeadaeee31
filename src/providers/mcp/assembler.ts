import type { ParsedEvent, StreamAssembler } from '../../stream/types.js';
import type { Assembled } from '../../types.js';
import { isRecord } from '../../util/is-record.js';
import { isResponse } from './json-rpc.js';

/**
 * Reads what an MCP answer amounts to, from a JSON body or the messages of an SSE stream: the text
 * of a tool result (`tools/call`), the tools a `tools/list` names, a JSON-RPC error, and the
 * methods of the server's own requests and notifications on the stream (progress, logging,
 * sampling, elicitation).
 */
class McpAssembler implements StreamAssembler {
  readonly #text: string[] = [];
  readonly #tools: string[] = [];
  readonly #serverMessages: string[] = [];
  #finish: string | undefined;
  #structured: unknown;

  push(event: ParsedEvent): void {
    if (event.json !== undefined) this.message(event.json);
  }

  message(json: unknown): void {
    for (const m of Array.isArray(json) ? json : [json]) {
      if (!isRecord(m)) continue;
      if (typeof m.method === 'string') {
        this.#serverMessages.push(m.method);
        continue;
      }
      if (!isResponse(m)) continue;
      if (isRecord(m.error)) {
        this.#finish = 'error';
        if (typeof m.error.message === 'string') this.#text.push(m.error.message);
        continue;
      }
      const result = m.result;
      if (!isRecord(result)) continue;
      if (Array.isArray(result.content)) {
        for (const c of result.content) if (isRecord(c) && c.type === 'text' && typeof c.text === 'string') this.#text.push(c.text);
        this.#finish = result.isError === true ? 'tool_error' : 'ok';
      }
      if (result.structuredContent !== undefined) this.#structured = result.structuredContent;
      if (Array.isArray(result.tools)) {
        for (const t of result.tools) if (isRecord(t) && typeof t.name === 'string') this.#tools.push(t.name);
      }
    }
  }

  result(): Assembled {
    const extra: Record<string, unknown> = {};
    if (this.#tools.length > 0) extra.tools = this.#tools;
    if (this.#serverMessages.length > 0) extra.serverMessages = this.#serverMessages;
    if (this.#structured !== undefined) extra.structuredContent = this.#structured;
    return {
      text: this.#text.join('\n'),
      toolCalls: [],
      ...(this.#finish !== undefined ? { finishReason: this.#finish } : {}),
      ...(Object.keys(extra).length > 0 ? { extra } : {}),
    };
  }
}

/** A fresh assembler for one MCP SSE stream (a POST's answer or the GET stream). */
export function createMcpAssembler(): StreamAssembler {
  return new McpAssembler();
}

/** Assembles a whole JSON answer (a JSON-RPC response, or a batch of them). */
export function assembleMcpJson(json: unknown): Assembled | undefined {
  if (!isRecord(json) && !Array.isArray(json)) return undefined;
  const a = new McpAssembler();
  a.message(json);
  return a.result();
}
