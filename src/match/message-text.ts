import { isRecord } from '../util/is-record.js';
/**
 * What a person needs to recognise a recorded request: the last thing the user said. Read from
 * the body's shape alone (`messages`, `contents`, `input`, `prompt`), never from a provider's name,
 * so a new OpenAI-compatible provider needs nothing here.
 */
export function lastUserText(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  for (const field of ['messages', 'contents', 'input']) {
    const list = body[field];
    if (typeof list === 'string') return list;
    if (!Array.isArray(list)) continue;
    // Newest first; items without a role are user turns (Gemini) or inputs (embeddings).
    for (const item of [...list].reverse()) {
      if (typeof item === 'string') return item;
      const text = isRecord(item) && (item.role === 'user' || item.role === undefined) ? messageText(item) : undefined;
      if (text !== undefined) return text;
    }
  }
  return typeof body.prompt === 'string' ? body.prompt : undefined;
}

/** One line of at most `max` characters, with an ellipsis when cut. */
export function truncate(text: string, max = 100): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** Text of a message, content part list (`text`, `input_text`) or Gemini `parts`. */
export function messageText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const parts = value.map(messageText).filter((t): t is string => t !== undefined);
    return parts.length > 0 ? parts.join(' ') : undefined;
  }
  if (!isRecord(value)) return undefined;
  if (typeof value.text === 'string') return value.text;
  return messageText(value.content ?? value.parts);
}
