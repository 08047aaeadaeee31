import { providerOfFamily } from '../providers/registry.js';
import type { Price } from '../providers/prices.js';
import type { Interaction } from '../types.js';
import type { ToolLink } from '../compare/link-tool-runs.js';
import { toolRunOf } from '../compare/tool-run-of.js';
import { describeSession, formatTimeline } from './format-events.js';
import { formatUsd } from './format-table.js';
import { lastUserText, truncate } from '../match/message-text.js';
import { costOfInteraction, usageOf } from './summarize-interactions.js';
import { plainPaint } from '../util/paint.js';
import type { Paint } from '../util/paint.js';

/** The readable block `cassette show` prints for one step (status green/red, field names dim, warnings yellow on a terminal). */
export function formatInteraction(
  i: Interaction,
  prices: Readonly<Record<string, Price>> = {},
  events = false,
  links: readonly ToolLink[] = [],
  paint: Paint = plainPaint,
): string {
  const { request, response, assembled } = i;
  const query = request.query?.length ? `?${new URLSearchParams(request.query).toString()}` : '';
  const stream = response.stream;
  const delivery = response.session
    ? describeSession(response.session)
    : stream
      ? `streamed (${stream.format}, ${stream.events.length} events${stream.complete ? '' : ', cut short'})`
      : 'not streamed';
  const operation = providerOfFamily(i.family)?.operation?.(request);
  const lines = [
    `step ${i.position}  ${i.provider} ${request.method} ${request.path}${query}${operation ? ` ${operation}` : ''}  → ${(response.status < 400 ? paint.ok : paint.fail)(String(response.status))}  ${delivery}`,
  ];
  const field = (name: string, value: string): void => {
    lines.push(`  ${paint.dim(`${name}: `.padEnd(11))}${value}`);
  };
  const body = request.body?.kind === 'json' ? request.body.json : undefined;
  const model = assembled?.model ?? modelOf(i, body);
  if (model) field('model', model);
  const asked = lastUserText(body);
  if (asked !== undefined) field('request', JSON.stringify(truncate(asked)));
  const run = toolRunOf(i);
  if (run) {
    // A tool run (MCP tools/call) beside the model's call it carries out.
    const link = links.find((l) => l.runStep === i.position);
    const of = link ? `  ← step ${link.callStep}${link.callId ? ` ${link.callId}` : ''}` : '';
    field('tool run', `${truncate(`${run.name}(${JSON.stringify(run.arguments)})`, 200)}${of}`);
    if (run.result !== undefined) field('result', `${JSON.stringify(truncate(run.result, 200))}${run.isError ? ' (error)' : ''}`);
  } else if (assembled) {
    if (assembled.text) field('answer', JSON.stringify(truncate(assembled.text, 200)));
    assembled.toolCalls?.forEach((call, n) => {
      const link = links.find((l) => l.callStep === i.position && l.callIndex === n);
      field(
        'tool call',
        `${truncate(`${call.name}(${JSON.stringify(call.arguments)})`, 200)}${link ? `  → run at step ${link.runStep}` : ''}`,
      );
    });
    if (assembled.finishReason) field('finish', assembled.finishReason);
  }
  const usage = usageOf(i);
  if (usage) {
    const extra = [
      usage.cacheReadTokens ? `cache read ${usage.cacheReadTokens}` : '',
      usage.cacheWriteTokens ? `cache write ${usage.cacheWriteTokens}` : '',
      usage.reasoningTokens ? `reasoning ${usage.reasoningTokens}` : '',
    ].filter(Boolean);
    field('usage', [`${usage.inputTokens} in`, `${usage.outputTokens} out`, ...extra].join(', '));
  }
  const cost = costOfInteraction(i, prices);
  if (cost !== undefined) field('cost', formatUsd(cost));
  if (i.timings) field('timings', `ttfb ${i.timings.ttfbMs} ms, total ${i.timings.totalMs} ms`);
  field('recorded', `${i.recordedAt} (llm-cassette ${i.productVersion}), occurrence ${i.occurrence}`);
  if (i.unrecordable !== undefined) {
    lines.push(
      paint.warn(`  unrecordable: ${i.unrecordable}; the client got the whole answer, the store keeps no body, golden never serves it`),
    );
  } else if (!i.complete) lines.push(paint.warn('  incomplete: the answer was cut short, so golden never serves it'));
  const timeline = formatTimeline(i, events);
  if (timeline.length > 0) lines.push(`  ${response.session ? 'frames' : 'events'}:`, ...timeline);
  return lines.join('\n');
}

function modelOf(i: Interaction, body: unknown): string | undefined {
  return providerOfFamily(i.family)?.model(i.request.path, body);
}
