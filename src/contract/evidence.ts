import type { Evidence, JsonType, PathContract } from './contract-types.js';

/** `string×3, null×1`: a types histogram in one short phrase. */
export function typesText(types: Partial<Record<JsonType, number>>): string {
  const parts = Object.entries(types)
    .filter(([, n]) => (n ?? 0) > 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([t, n]) => `${t}×${n}`);
  return parts.length > 0 ? parts.join(', ') : 'none';
}

/** Evidence about a path's presence and types. */
export function pathEvidence(p: Pick<PathContract, 'samples' | 'present' | 'types'>, extra?: string): Evidence {
  const summary = `present in ${p.present}/${p.samples} samples; types ${typesText(p.types)}${extra ? `; ${extra}` : ''}`;
  return { summary, samples: p.samples, detail: { present: p.present, types: p.types } };
}

/** Evidence made of a value set (enum values, event types, terminators). */
export function valuesEvidence(label: string, values: Record<string, number>, samples: number): Evidence {
  const list = Object.keys(values).sort();
  const shown = list.slice(0, 12).map((v) => JSON.stringify(v));
  const more = list.length > shown.length ? `, +${list.length - shown.length} more` : '';
  return { summary: `${label} ${shown.join(', ') || 'none'}${more} (${samples} samples)`, samples, detail: { values } };
}

/** Evidence that is a plain statement with its sample count. */
export function textEvidence(summary: string, samples: number, detail?: Record<string, unknown>): Evidence {
  return detail ? { summary, samples, detail } : { summary, samples };
}

/** Sum of a count record. */
export function total(counts: Record<string, number | undefined>): number {
  let sum = 0;
  for (const n of Object.values(counts)) sum += n ?? 0;
  return sum;
}
