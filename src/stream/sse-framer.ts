import type { Framer } from './types.js';

const LF = 10;
const CR = 13;

/**
 * Frames a server-sent event stream (WHATWG rules: `\n`, `\r\n` and `\r` each end a line; a
 * blank line ends an event). Each returned string is one event's exact text including the blank
 * line that ends it, so comment-only blocks (`: OPENROUTER PROCESSING\n\n`) are events too.
 */
export function createSseFramer(): Framer {
  // Text of the event in progress that arrived in earlier chunks. Kept as pieces rather than
  // one growing string so a large event delivered in many small chunks costs O(n), not O(n^2).
  let pending: string[] = [];
  // True when nothing but line ends has been seen since the last line end (or event start):
  // the next line end then closes a blank line, which ends the event.
  let atLineStart = true;
  // The previous chunk ended with a `\r` that ended a non-blank line: a `\n` opening this chunk
  // is the second half of that CRLF, not a line end of its own.
  let skipLf = false;
  // The previous chunk ended with a `\r` that ends the event. The event is held back because a
  // `\n` opening the next chunk still belongs to it; emitting early would make the raw events
  // depend on where the transport happened to split the bytes.
  let heldEvent = false;

  function push(chunk: string): string[] {
    const out: string[] = [];
    const length = chunk.length;
    if (length === 0) return out;
    let start = 0;
    let i = 0;
    if (heldEvent) {
      heldEvent = false;
      if (chunk.charCodeAt(0) === LF) i = 1;
      pending.push(chunk.slice(0, i));
      out.push(pending.join(''));
      pending = [];
      start = i;
      atLineStart = true;
    } else if (skipLf) {
      skipLf = false;
      if (chunk.charCodeAt(0) === LF) i = 1;
    }

    // Jump between line ends with indexOf (native speed) instead of testing every character.
    let nextLf = chunk.indexOf('\n', i);
    let nextCr = chunk.indexOf('\r', i);
    while (i < length) {
      if (nextLf !== -1 && nextLf < i) nextLf = chunk.indexOf('\n', i);
      if (nextCr !== -1 && nextCr < i) nextCr = chunk.indexOf('\r', i);
      const next = nextLf === -1 ? nextCr : nextCr === -1 ? nextLf : Math.min(nextLf, nextCr);
      if (next === -1) {
        atLineStart = false;
        break;
      }
      if (next > i) atLineStart = false;
      let end: number;
      if (chunk.charCodeAt(next) === CR) {
        if (next + 1 === length) {
          // Cannot tell `\r` from the start of `\r\n` until the next chunk arrives.
          pending.push(chunk.slice(start));
          start = length;
          if (atLineStart) heldEvent = true;
          else {
            skipLf = true;
            atLineStart = true;
          }
          return out;
        }
        end = chunk.charCodeAt(next + 1) === LF ? next + 2 : next + 1;
      } else {
        end = next + 1;
      }
      if (atLineStart) {
        if (pending.length > 0) {
          pending.push(chunk.slice(start, end));
          out.push(pending.join(''));
          pending = [];
        } else {
          out.push(chunk.slice(start, end));
        }
        start = end;
      }
      atLineStart = true;
      i = end;
    }
    if (start < length) pending.push(chunk.slice(start));
    return out;
  }

  function end(): string[] {
    const rest = pending.join('');
    pending = [];
    atLineStart = true;
    skipLf = false;
    heldEvent = false;
    return rest.length > 0 ? [rest] : [];
  }

  return { push, end };
}
