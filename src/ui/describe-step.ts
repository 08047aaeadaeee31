import { lastUserText, messageText, truncate } from '../match/message-text.js';
import type { Interaction } from '../types.js';
import { linkToolRuns } from '../compare/link-tool-runs.js';
import { modelOf } from '../compare/model-of.js';
import { toolRunOf } from '../compare/tool-run-of.js';
import { providerOfFamily } from '../providers/registry.js';
import type { StepRow, ToolResultView } from './shared/ui-types.js';
import { sessionSummary, sessionText } from './session-timeline.js';

/** One row of an episode's step list, without the bodies. */
export function describeStep(i: Interaction): StepRow {
  const body = i.request.body.kind === 'json' ? i.request.body.json : undefined;
  const prompt = lastUserText(body);
  const model = modelOf(i);
  const run = toolRunOf(i);
  const operation = providerOfFamily(i.family)?.operation?.(i.request);
  const session = i.response.session;
  // A tool run's text is its result, shown as such, not as an assistant's answer; a session's is
  // what its server frames say.
  const answer = run ? undefined : session ? sessionText(i) : i.assembled?.text;
  return {
    take: i.take,
    position: i.position,
    provider: i.provider,
    method: i.request.method,
    path: i.request.path,
    ...(model ? { model } : {}),
    status: i.response.status,
    complete: i.complete,
    streamed: i.response.stream !== undefined,
    ttfbMs: round(i.timings.ttfbMs),
    totalMs: round(i.timings.totalMs),
    inputTokens: i.usage?.inputTokens ?? 0,
    outputTokens: i.usage?.outputTokens ?? 0,
    ...(i.costUsd !== undefined ? { costUsd: i.costUsd } : {}),
    ...(i.assembled?.finishReason ? { finishReason: i.assembled.finishReason } : {}),
    ...(prompt ? { prompt: truncate(prompt, 240) } : {}),
    ...(answer ? { answer: truncate(answer, 240) } : {}),
    toolCalls: (i.assembled?.toolCalls ?? []).map((t) => ({ ...(t.id ? { id: t.id } : {}), name: t.name, arguments: t.arguments })),
    toolResults: toolResults(body),
    ...(run ? { toolRun: { ...run, ...(run.result !== undefined ? { result: truncate(run.result, 400) } : {}) } } : {}),
    ...(operation ? { operation } : {}),
    ...(session ? { session: sessionSummary(session) } : {}),
    recordedAt: i.recordedAt,
  };
}

/** Ties the tool runs of a take's steps (MCP `tools/call`) to the model calls they carry out, both ways. */
export function linkSteps(steps: StepRow[]): StepRow[] {
  const byPosition = new Map(steps.map((s) => [s.position, s]));
  for (const link of linkToolRuns(steps)) {
    const call = byPosition.get(link.callStep)?.toolCalls[link.callIndex];
    const run = byPosition.get(link.runStep)?.toolRun;
    if (call) call.runStep = link.runStep;
    if (run) Object.assign(run, { callStep: link.callStep, ...(link.callId ? { callId: link.callId } : {}) });
  }
  return steps;
}

/**
 * Tool results a request carries back, read from the body's shape alone (no provider names): a
 * message with `tool_call_id` (OpenAI chat), a `tool_result` block with `tool_use_id` (Anthropic),
 * a `function_call_output` item with `call_id` (OpenAI responses), a `functionResponse` part (Gemini).
 * Only the results after the last assistant turn: those are what this step sends back.
 */
export function toolResults(body: unknown): ToolResultView[] {
  if (!isRecord(body)) return [];
  const list = [body.messages, body.contents, body.input].find(Array.isArray) as unknown[] | undefined;
  if (!list) return [];
  let start = 0;
  list.forEach((m, n) => {
    if (isRecord(m) && (m.role === 'assistant' || m.role === 'model')) start = n + 1;
  });
  const out: ToolResultView[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 4) return;
    if (Array.isArray(node)) return node.forEach((n) => visit(n, depth + 1));
    if (!isRecord(node)) return;
    const id = str(node.tool_call_id) ?? str(node.tool_use_id) ?? (node.type === 'function_call_output' ? str(node.call_id) : undefined);
    if (id !== undefined) {
      out.push({ id, content: shorten(node.output ?? node.content) });
      return;
    }
    if (isRecord(node.functionResponse)) {
      const name = str(node.functionResponse.name);
      out.push({ ...(name ? { name } : {}), content: shorten(node.functionResponse.response) });
      return;
    }
    visit(node.content ?? node.parts, depth + 1);
  };
  for (const m of list.slice(start)) visit(m, 0);
  return out;
}

function shorten(value: unknown): string {
  const text = messageText(value) ?? JSON.stringify(value) ?? '';
  return truncate(text, 400);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
