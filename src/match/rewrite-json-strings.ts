/**
 * Carries a redaction made on a parsed JSON value back into the text it was parsed from, keeping
 * everything else of that text as it was: whitespace, key order, number spellings (`1e400`,
 * `12345678901234567890`), escapes. Used for request bodies, stored as the bytes sent (after
 * redaction) so that `replay --live`, `contract check --live` and `rerecord` resend those bytes.
 */

import { stableJson } from './canonical-body.js';

/** One open object or array of the text, with the value at the same place in the redacted JSON. */
type Frame =
  | { array: true; node: unknown; index: number }
  | { array: false; node: unknown; key: string | undefined; expectKey: boolean; keys: Set<string> | undefined };

/**
 * `text` (valid JSON, as `JSON.parse` accepted it) with each string value replaced by the string
 * at the same place in `redacted` (the value parsed from `text`, then redacted) where the two
 * differ; `valuesChanged` false (the redaction changed nothing) skips comparing values.
 *
 * Returns undefined when an object repeats a key: `JSON.parse` keeps the last value only, so the
 * redaction never saw the others, and they may hold a secret. The caller then keeps the parsed
 * form only, as before. Object keys are left as they are (redaction rewrites values only).
 */
export function rewriteJsonStrings(text: string, redacted: unknown, valuesChanged = true): string | undefined {
  const stack: Frame[] = [];
  let out = '';
  let copiedTo = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    switch (c) {
      case 0x7b /* { */:
        stack.push({
          array: false,
          node: valuesChanged ? valueAt(top, redacted) : undefined,
          key: undefined,
          expectKey: true,
          keys: undefined,
        });
        i++;
        break;
      case 0x5b /* [ */:
        stack.push({ array: true, node: valuesChanged ? valueAt(top, redacted) : undefined, index: 0 });
        i++;
        break;
      case 0x7d /* } */:
      case 0x5d /* ] */:
        stack.pop();
        i++;
        break;
      case 0x2c /* , */:
        if (top?.array) top.index++;
        else if (top) top.expectKey = true;
        i++;
        break;
      case 0x3a /* : */:
        if (top && !top.array) top.expectKey = false;
        i++;
        break;
      case 0x22 /* " */: {
        const end = stringEnd(text, i);
        if (top && !top.array && top.expectKey) {
          const key = decodeString(text, i, end);
          // A first key needs no set: most objects are small, and the second key starts one.
          if (top.key !== undefined) {
            top.keys ??= new Set([top.key]);
            if (top.keys.has(key)) return undefined;
            top.keys.add(key);
          }
          top.key = key;
        } else if (valuesChanged) {
          const decoded = decodeString(text, i, end);
          const want = valueAt(top, redacted);
          if (typeof want !== 'string') return undefined;
          if (want !== decoded) {
            out += text.slice(copiedTo, i) + JSON.stringify(want);
            copiedTo = end;
          }
        }
        i = end;
        break;
      }
      default:
        i++;
    }
  }
  return copiedTo === 0 ? text : out + text.slice(copiedTo);
}

function decodeString(text: string, start: number, end: number): string {
  const literal = text.slice(start, end);
  return literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
}

/** The redacted JSON's value at the place the text has reached (the root's when nothing is open). */
function valueAt(top: Frame | undefined, root: unknown): unknown {
  if (!top) return root;
  const node = top.node;
  if (node === null || typeof node !== 'object') return undefined;
  if (top.array) return Array.isArray(node) ? (node[top.index] as unknown) : undefined;
  return top.key !== undefined && Object.hasOwn(node, top.key) ? (node as Record<string, unknown>)[top.key] : undefined;
}

/** Index just past the closing quote of the string literal opening at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const quote = text.indexOf('"', i);
    if (quote < 0) return text.length;
    let backslashes = 0;
    for (let j = quote - 1; j > start && text.charCodeAt(j) === 0x5c; j--) backslashes++;
    if (backslashes % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}

/**
 * `text` changed to hold `value` (a copy of its parsed form with some strings changed, such as
 * `replay --live --model`'s new model), keeping its layout; undefined when `value` differs from it
 * in more than string values (a key added or removed): then only a fresh serialization holds it.
 */
export function rewriteJsonText(text: string, value: unknown): string | undefined {
  const out = rewriteJsonStrings(text, value);
  return out !== undefined && stableJson(JSON.parse(out)) === stableJson(value) ? out : undefined;
}
