import type { ToolRun } from '../providers/provider.js';
import { providerOfFamily } from '../providers/registry.js';
import type { Interaction } from '../types.js';

/** The tool an interaction ran (an MCP `tools/call`), as its family reads it; undefined for a model call. */
export function toolRunOf(i: Interaction): ToolRun | undefined {
  return providerOfFamily(i.family)?.toolRun?.(i.request, i.assembled);
}
