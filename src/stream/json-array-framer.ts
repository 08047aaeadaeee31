import type { Framer } from './types.js';

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

function isWhitespace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}

/**
 * Frames a streamed JSON array (Gemini `:streamGenerateContent` without `alt=sse`:
 * `[{...}\n,\r\n{...}\n]`). Each event is the text up to the end of one top-level element, with
 * the `[` or `,` and whitespace before it; the closing `]` and anything after it come from `end()`.
 * A body that is not an array (an error object) comes whole from `end()`.
 */
export function createJsonArrayFramer(): Framer {
  let pending: string[] = [];
  // 'start': before the first significant character; 'array': inside the top-level array;
  // 'tail': after its closing `]`, or the body is not an array. Everything in 'tail' is kept
  // for end(), so the last piece never depends on how the bytes were chunked.
  let phase: 'start' | 'array' | 'tail' = 'start';
  // Nesting depth counting the top-level array itself, so elements live at depth 1.
  let depth = 0;
  let inString = false;
  let escaped = false;
  // A bare scalar element (number, literal) at depth 1 has no closing character of its own;
  // it ends at the `,` or `]` that follows it.
  let scalarOpen = false;

  function push(chunk: string): string[] {
    const out: string[] = [];
    const length = chunk.length;
    let start = 0;

    const emit = (end: number): void => {
      pending.push(chunk.slice(start, end));
      out.push(pending.join(''));
      pending = [];
      start = end;
    };

    let i = 0;
    while (i < length && phase !== 'tail') {
      const code = chunk.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (code === BACKSLASH) escaped = true;
        else if (code === QUOTE) {
          inString = false;
          if (depth === 1) emit(i + 1);
        } else {
          // Skip plain string content in one step: strings dominate these bodies.
          const quote = chunk.indexOf('"', i);
          const slash = chunk.indexOf('\\', i);
          const stop = quote === -1 ? slash : slash === -1 ? quote : Math.min(quote, slash);
          i = stop === -1 ? length : stop;
          continue;
        }
        i++;
        continue;
      }
      if (phase === 'start') {
        if (!isWhitespace(code)) {
          if (code === OPEN_BRACKET) {
            phase = 'array';
            depth = 1;
          } else {
            phase = 'tail';
          }
        }
        i++;
        continue;
      }
      if (code === QUOTE) {
        inString = true;
      } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
        depth++;
      } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
        if (depth === 1) {
          if (scalarOpen) emit(i);
          scalarOpen = false;
          depth = 0;
          phase = 'tail';
        } else {
          depth--;
          if (depth === 1) emit(i + 1);
        }
      } else if (code === COMMA) {
        if (depth === 1 && scalarOpen) {
          emit(i);
          scalarOpen = false;
        }
      } else if (depth === 1 && !isWhitespace(code)) {
        scalarOpen = true;
      }
      i++;
    }
    if (start < length) pending.push(chunk.slice(start));
    return out;
  }

  function end(): string[] {
    const rest = pending.join('');
    pending = [];
    return rest.length > 0 ? [rest] : [];
  }

  return { push, end };
}
