import { isRecord } from '../../util/is-record.js';

/**
 * Gemini clients that make up their own `functionCall.id` / `functionResponse.id` (random per run)
 * would never match in golden: in the request key each distinct id becomes `call-<n>` by order of
 * first appearance, so a tool loop's pairs still line up and the loop replays. A copy; the request
 * sent upstream and stored keeps its ids.
 */
export function numberCallIds(body: unknown): unknown {
  if (!isRecord(body) || !Array.isArray(body.contents)) return body;
  const seen = new Map<string, string>();
  const number = (id: unknown): unknown => {
    if (typeof id !== 'string') return id;
    let n = seen.get(id);
    if (n === undefined) seen.set(id, (n = `call-${seen.size + 1}`));
    return n;
  };
  let changed = false;
  const contents = body.contents.map((content: unknown) => {
    if (!isRecord(content) || !Array.isArray(content.parts)) return content;
    const parts = content.parts.map((part: unknown) => {
      if (!isRecord(part)) return part;
      for (const field of ['functionCall', 'functionResponse'] as const) {
        const call = part[field];
        if (isRecord(call) && typeof call.id === 'string') {
          changed = true;
          return { ...part, [field]: { ...call, id: number(call.id) } };
        }
      }
      return part;
    });
    return { ...content, parts };
  });
  return changed ? { ...body, contents } : body;
}
