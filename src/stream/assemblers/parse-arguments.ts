/**
 * Parses tool-call arguments streamed as JSON text: the parsed value when the text is JSON, `{}`
 * when it is empty (a tool without parameters streams no argument text at all), else the text.
 */
export function parseArguments(text: string): unknown {
  if (text.trim().length === 0) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Cut short or malformed: keep what the model produced rather than lose it.
    return text;
  }
}
