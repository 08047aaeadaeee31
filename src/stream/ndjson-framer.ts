import type { Framer } from './types.js';

/**
 * Frames newline-delimited JSON: one event per line, its raw text including the `\n` (a `\r`
 * before it stays part of the line, so `\r\n` streams keep their bytes).
 */
export function createNdjsonFramer(): Framer {
  // Pieces of the line in progress; see sse-framer.ts for why not one growing string.
  let pending: string[] = [];

  function push(chunk: string): string[] {
    const out: string[] = [];
    let start = 0;
    let next = chunk.indexOf('\n');
    while (next !== -1) {
      const line = chunk.slice(start, next + 1);
      if (pending.length > 0) {
        pending.push(line);
        out.push(pending.join(''));
        pending = [];
      } else {
        out.push(line);
      }
      start = next + 1;
      next = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) pending.push(chunk.slice(start));
    return out;
  }

  function end(): string[] {
    const rest = pending.join('');
    pending = [];
    return rest.length > 0 ? [rest] : [];
  }

  return { push, end };
}
