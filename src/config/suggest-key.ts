import type { z } from 'zod';

/** The keys an object schema accepts at `path` (through defaults, optionals and arrays); empty when unknown. */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: unknown = schema;
  for (const seg of [...path, undefined]) {
    // Unwrap default/optional/nullable/array until an object (or nothing) is reached.
    for (let i = 0; i < 8 && node; i++) {
      const def = (node as { def?: { type?: string; innerType?: unknown; element?: unknown } }).def;
      if (def?.type === 'object') break;
      node = def?.innerType ?? def?.element;
    }
    const shape = (node as { shape?: Record<string, unknown> } | undefined)?.shape;
    if (!shape) return [];
    if (seg === undefined) return Object.keys(shape);
    if (typeof seg === 'number') continue;
    node = shape[String(seg)];
  }
  return [];
}

/** The known key a mistyped one most likely meant (case, a typo of up to two letters), if any. */
export function suggestKey(unknown: string, known: readonly string[]): string | undefined {
  const lower = unknown.toLowerCase();
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = key.toLowerCase() === lower ? 0 : editDistance(lower, key.toLowerCase());
    if (distance <= Math.min(2, Math.max(1, Math.floor(key.length / 2))) && (!best || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
