import { isRecord } from './is-record.js';
/**
 * The small JSON path language of config rules: dot-separated keys with `[*]` for "every element"
 * and `[n]` for one element (`messages[*].name`, `tools[0].function`).
 */

type Segment = { key: string } | { index: number } | { every: true };

const cache = new Map<string, Segment[]>();

/** Parses `a.b[*].c` into segments (cached: rules are applied to every request). */
export function parseJsonPath(path: string): Segment[] {
  let segments = cache.get(path);
  if (segments) return segments;
  segments = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[(?:\*|\d+)\])*)$/.exec(part);
    if (!m) throw new Error(`Invalid JSON path "${path}" near "${part}"`);
    if (m[1]) segments.push({ key: m[1] });
    for (const b of (m[2] ?? '').matchAll(/\[(\*|\d+)\]/g)) {
      segments.push(b[1] === '*' ? { every: true } : { index: Number(b[1]) });
    }
  }
  cache.set(path, segments);
  return segments;
}

/**
 * `root` without every value the path names (an `[*]` at the end empties the array). Only the
 * objects and arrays on the way to a deleted value are copied; `root` itself is never changed.
 */
export function withoutJsonPath(root: unknown, path: string): unknown {
  return without(root, parseJsonPath(path), 0);
}

function without(node: unknown, segments: Segment[], at: number): unknown {
  const head = segments[at];
  if (!head) return node;
  const last = at === segments.length - 1;
  if ('key' in head) {
    if (!isRecord(node) || !(head.key in node)) return node;
    if (last) {
      const copy = { ...node };
      delete copy[head.key];
      return copy;
    }
    const child = without(node[head.key], segments, at + 1);
    return child === node[head.key] ? node : { ...node, [head.key]: child };
  }
  if (!Array.isArray(node)) return node;
  if ('every' in head) {
    if (last) return node.length === 0 ? node : [];
    let copy: unknown[] | undefined;
    node.forEach((item, i) => {
      const changed = without(item, segments, at + 1);
      if (changed !== item) (copy ??= [...node])[i] = changed;
    });
    return copy ?? node;
  }
  if (head.index >= node.length) return node;
  if (last) return node.filter((_, i) => i !== head.index);
  const child = without(node[head.index], segments, at + 1);
  if (child === node[head.index]) return node;
  const copy = [...node];
  copy[head.index] = child;
  return copy;
}

/** Replaces every string value at or below the places the path names, in place. */
export function mapStringsAt(root: unknown, path: string, fn: (s: string) => string): unknown {
  const segments = parseJsonPath(path);
  if (segments.length === 0) return mapStrings(root, fn);
  visitParents(root, segments, (parent, last) => {
    if ('key' in last && isRecord(parent) && last.key in parent) parent[last.key] = mapStrings(parent[last.key], fn);
    else if (Array.isArray(parent)) {
      if ('every' in last) for (let i = 0; i < parent.length; i++) parent[i] = mapStrings(parent[i], fn);
      else if ('index' in last && last.index < parent.length) parent[last.index] = mapStrings(parent[last.index], fn);
    }
  });
  return root;
}

/** Replaces every string value (not keys) in a JSON value, in place where possible. */
export function mapStrings(value: unknown, fn: (s: string) => string): unknown {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = mapStrings(value[i], fn);
  } else if (isRecord(value)) {
    for (const k of Object.keys(value)) value[k] = mapStrings(value[k], fn);
  }
  return value;
}

function visitParents(node: unknown, segments: Segment[], fn: (parent: unknown, last: Segment) => void): void {
  const [head, ...rest] = segments;
  if (!head) return;
  if (rest.length === 0) {
    fn(node, head);
    return;
  }
  if ('key' in head) {
    if (isRecord(node)) visitParents(node[head.key], rest, fn);
  } else if (Array.isArray(node)) {
    if ('every' in head) for (const item of node) visitParents(item, rest, fn);
    else visitParents(node[head.index], rest, fn);
  }
}
