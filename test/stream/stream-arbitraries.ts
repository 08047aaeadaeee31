// fast-check generators and helpers shared by the framer tests. Not a test file.
import fc from 'fast-check';
import type { Framer } from '../../src/stream/types.js';

export const lineEnd = fc.constantFrom('\n', '\r\n', '\r');

/** Any text without line ends, unicode included (astral characters, combining marks). */
export const lineText = fc.string({ unit: 'binary', maxLength: 16 }).map((s) => s.replace(/[\r\n]/g, ''));

const fieldName = fc.constantFrom('data', 'event', 'id', 'retry', 'x-unknown');

/** One non-empty SSE line (without its line end): a field, a comment, or a bare field name. */
export const sseLine = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.tuple(fieldName, fc.constantFrom('', ' ', '  '), lineText).map(([f, sp, v]) => `${f}:${sp}${v}`),
  },
  { weight: 2, arbitrary: lineText.map((t) => `:${t}`) },
  { weight: 1, arbitrary: fieldName },
);

/**
 * A stream as a list of complete events (each ending in its blank line) plus an optional
 * unterminated tail. A `\n` line end right after a `\r` would merge into one CRLF, so it is
 * written as `\r\n` there: the events stay exactly what the generator meant.
 */
export function sseStream(): fc.Arbitrary<{ events: string[]; tail: string }> {
  const event = fc.tuple(fc.array(fc.tuple(sseLine, lineEnd), { maxLength: 5 }), lineEnd);
  const tail = fc.tuple(fc.array(fc.tuple(sseLine, lineEnd), { maxLength: 3 }), fc.option(sseLine, { nil: '' }));
  return fc.tuple(fc.array(event, { maxLength: 8 }), tail).map(([rawEvents, [tailLines, tailRest]]) => {
    let previous = '';
    const end = (ending: string): string => {
      const fixed = previous.endsWith('\r') && ending === '\n' ? '\r\n' : ending;
      previous = fixed;
      return fixed;
    };
    const text = (line: string): string => {
      previous = line;
      return line;
    };
    const events = rawEvents.map(([lines, terminator]) => {
      let out = '';
      for (const [line, ending] of lines) out += text(line) + end(ending);
      return out + end(terminator);
    });
    let rest = '';
    for (const [line, ending] of tailLines) rest += text(line) + end(ending);
    return { events, tail: rest + tailRest };
  });
}

/** Cut positions for chunkAt (taken modulo the text length). */
export function splitPoints(): fc.Arbitrary<number[]> {
  return fc.array(fc.nat(), { maxLength: 12 });
}

/** Splits text at the given positions (modulo its length), empty chunks included. */
export function chunkAt(text: string, points: readonly number[]): string[] {
  const cuts = points.map((p) => p % (text.length + 1)).sort((a, b) => a - b);
  const chunks: string[] = [];
  let start = 0;
  for (const cut of cuts) {
    chunks.push(text.slice(start, cut));
    start = cut;
  }
  chunks.push(text.slice(start));
  return chunks;
}

/** Feeds every chunk to a fresh framer and collects all it returns, end() included. */
export function frameAll(createFramer: () => Framer, chunks: readonly string[]): string[] {
  const framer = createFramer();
  const out: string[] = [];
  for (const chunk of chunks) out.push(...framer.push(chunk));
  out.push(...framer.end());
  return out;
}

export const whitespace = fc.array(fc.constantFrom(' ', '\n', '\r\n', '\t'), { maxLength: 3 }).map((parts) => parts.join(''));

/**
 * A streamed JSON array the way Gemini writes one (elements pretty-printed or compact,
 * separated by `\n,\r\n` or any whitespace around the commas), with its elements.
 */
export function jsonArrayStream(): fc.Arbitrary<{ elements: unknown[]; body: string }> {
  const element = fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(0, 2), whitespace, whitespace);
  return fc.tuple(whitespace, fc.array(element, { maxLength: 6 }), whitespace, whitespace).map(([lead, items, close, trail]) => {
    let body = `${lead}[`;
    items.forEach(([value, indent, before, after], i) => {
      body += `${i > 0 ? ',' : ''}${before}${JSON.stringify(value, null, indent)}${after}`;
    });
    body += `${close}]${trail}`;
    return { elements: items.map(([value]) => value), body };
  });
}
