import type { RecordedResponse } from '../../types.js';
import { anthropicMock } from '../anthropic/mock.js';
import { geminiMock } from '../gemini/mock.js';
import type { MockContext } from '../mock-kit/mock-context.js';

const ANTHROPIC = /\/publishers\/anthropic\/models\/([^/:]+):(stream)?rawPredict$/;

/**
 * Vertex's mock answers: Gemini paths are the Gemini mock's own (it reads `models/<m>:verb` at the
 * end of any path); Claude's `:rawPredict` is the Messages mock asked the way the Anthropic API
 * would be (model from the path, the stream from the verb).
 */
export function vertexMock(ctx: MockContext): RecordedResponse | undefined {
  const claude = ANTHROPIC.exec(ctx.path);
  if (ctx.method === 'POST' && claude?.[1] !== undefined) {
    const body = { ...ctx.body, model: decodeURIComponent(claude[1]), stream: claude[2] !== undefined };
    return anthropicMock({ ...ctx, path: '/v1/messages', body });
  }
  return /\/publishers\/google\//.test(ctx.path) ? geminiMock(ctx) : undefined;
}
