import { isRecord } from '../util/is-record.js';
/** One difference between two JSON values, at a path written as `messages[2].content`. */
export interface JsonChange {
  path: string;
  kind: 'changed' | 'added' | 'removed';
  before?: unknown;
  after?: unknown;
}

/** Lists where `after` differs from `before` (recursing into objects and arrays), at most `limit`. */
export function diffJson(before: unknown, after: unknown, limit = 50): JsonChange[] {
  const out: JsonChange[] = [];
  walk(before, after, '', out, limit);
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: JsonChange[], limit: number): void {
  if (out.length >= limit || a === b) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n && out.length < limit; i++) {
      const p = `${path}[${i}]`;
      if (i >= a.length) out.push({ path: p, kind: 'added', after: b[i] });
      else if (i >= b.length) out.push({ path: p, kind: 'removed', before: a[i] });
      else walk(a[i], b[i], p, out, limit);
    }
    return;
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of [...keys].sort()) {
      if (out.length >= limit) return;
      const p = path ? `${path}.${k}` : k;
      if (!(k in a)) out.push({ path: p, kind: 'added', after: b[k] });
      else if (!(k in b)) out.push({ path: p, kind: 'removed', before: a[k] });
      else walk(a[k], b[k], p, out, limit);
    }
    return;
  }
  out.push({ path: path || '(body)', kind: 'changed', before: a, after: b });
}
