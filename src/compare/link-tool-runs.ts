import { stableJson } from '../match/canonical-body.js';

/** What the linker needs of a step: its position, the tool calls its answer asks for, and the tool it runs. */
export interface ToolStep {
  position: number;
  toolCalls: readonly { id?: string; name: string; arguments: unknown }[];
  toolRun?: { name: string; arguments: unknown } | undefined;
}

/** A model's tool call and the step that ran it (an MCP `tools/call`), tied together. */
export interface ToolLink {
  /** The step whose answer asked for the call, and the call's index and id there. */
  callStep: number;
  callIndex: number;
  callId?: string;
  /** The step that ran the tool. */
  runStep: number;
}

/**
 * Ties each tool run of a tape to the model's tool call it carries out: the latest earlier call
 * of the same tool with equal arguments (a call's arguments may be stored as JSON text), else
 * the latest earlier unclaimed call of the same tool. Each call is claimed once.
 */
export function linkToolRuns(steps: readonly ToolStep[]): ToolLink[] {
  const ordered = [...steps].sort((a, b) => a.position - b.position);
  const claimed = new Set<string>();
  const links: ToolLink[] = [];
  for (const run of ordered) {
    if (!run.toolRun) continue;
    const { name } = run.toolRun;
    const args = canonical(run.toolRun.arguments);
    let best: ToolLink | undefined;
    let bestExact = false;
    for (const s of ordered) {
      if (s.position >= run.position) break;
      s.toolCalls.forEach((c, callIndex) => {
        if (c.name !== name || claimed.has(`${s.position}:${callIndex}`)) return;
        const exact = canonical(c.arguments) === args;
        if (bestExact && !exact) return;
        best = { callStep: s.position, callIndex, ...(c.id ? { callId: c.id } : {}), runStep: run.position };
        bestExact = exact;
      });
    }
    if (!best) continue;
    claimed.add(`${best.callStep}:${best.callIndex}`);
    links.push(best);
  }
  return links;
}

function canonical(args: unknown): string {
  if (typeof args === 'string') {
    try {
      return stableJson(JSON.parse(args));
    } catch {
      return stableJson(args);
    }
  }
  return stableJson(args ?? {});
}
