import type { JsonType, PathContract } from './contract-types.js';
import { JSON_TYPES } from './contract-types.js';
import type { ShapeNode } from './shape-node.js';

/** Evidence of an observed path: interactions per aspect. */
export interface PathRefs {
  present: string[];
  absent: string[];
  empty: string[];
  types: Partial<Record<JsonType, string[]>>;
  values: Record<string, string[]>;
  formats: Record<string, string[]>;
}

/** Everything a fold learnt about one path, before the baseline keeps only what it needs. */
export interface ObservedPath extends PathContract {
  role: ShapeNode['role'];
  interactions: number;
  /** Format → count over all string values (`none` included). */
  formats: Record<string, number>;
  /** More distinct strings than were kept. */
  valuesOverflow: boolean;
  refs?: PathRefs;
}

/** Inferred enums need this many interactions before a new value means anything. */
export const ENUM_MIN_INTERACTIONS = 5;
const ENUM_MAX_DISTINCT = 10;
const TOKEN_LIKE = /^[\w.:/-]{1,64}$/;

/** The root path of a document: `$`, or `event:$` for a named stream event. */
export function rootPath(event: string): string {
  return event === '' ? '$' : `${event}:$`;
}

/** Flattens a node tree into paths (`choices[].delta.content`, `message_delta:usage`). */
export function collectPaths(root: ShapeNode, event: string, out: Map<string, ObservedPath>): void {
  visit(root, rootPath(event), root.present, out, event === '' ? '' : `${event}:`, true);
}

function visit(node: ShapeNode, path: string, samples: number, out: Map<string, ObservedPath>, prefix: string, isRoot: boolean): void {
  out.set(path, observedPath(node, samples));
  if (node.children) {
    for (const [key, child] of node.children) {
      const childPath = isRoot ? `${prefix}${key}` : `${path}.${key}`;
      visit(child, childPath, node.objects, out, prefix, false);
    }
  }
  if (node.item) visit(node.item, `${path}[]`, node.item.present, out, prefix, false);
}

function observedPath(node: ShapeNode, samples: number): ObservedPath {
  const types: Partial<Record<JsonType, number>> = {};
  JSON_TYPES.forEach((t, i) => {
    const n = node.typeCounts[i]!;
    if (n > 0) types[t] = n;
  });
  const path: ObservedPath = {
    samples,
    present: node.present,
    types,
    role: node.role,
    interactions: node.interactions,
    formats: Object.fromEntries(node.formats),
    valuesOverflow: node.values === undefined,
  };
  if (node.values && node.values.size > 0) path.values = Object.fromEntries(node.values);
  if ((types.array ?? 0) > 0) path.empty = node.empty;
  if (node.role === 'closed' || node.role === 'open') path.enum = node.role;
  if (node.refs) {
    const r = node.refs;
    path.refs = {
      present: r.present,
      absent: r.absent,
      empty: r.empty,
      types: Object.fromEntries(r.types),
      values: Object.fromEntries(r.values),
      formats: Object.fromEntries(r.formats),
    };
  }
  return path;
}

/** What the baseline file keeps of a path: counts, enum values, a uniform format. */
export function toBaselinePath(p: ObservedPath): PathContract {
  const out: PathContract = { samples: p.samples, present: p.present, interactions: p.interactions, types: p.types };
  const enumKind = p.enum ?? (isInferredEnum(p) ? 'inferred' : undefined);
  if (enumKind && p.values) {
    out.enum = enumKind;
    out.values = p.values;
  }
  const format = uniformFormat(p);
  if (format) out.format = format;
  if (p.empty !== undefined) out.empty = p.empty;
  return out;
}

function isInferredEnum(p: ObservedPath): boolean {
  if (p.role !== 'plain' || p.valuesOverflow || !p.values) return false;
  const values = Object.keys(p.values);
  const limit = Math.min(ENUM_MAX_DISTINCT, Math.floor(p.interactions / 2));
  return p.interactions >= ENUM_MIN_INTERACTIONS && values.length <= limit && values.every((v) => TOKEN_LIKE.test(v));
}

/** A format every string shared, seen in two interactions at least (one id can look like anything). */
function uniformFormat(p: ObservedPath): string | undefined {
  const entries = Object.entries(p.formats);
  if (entries.length !== 1 || p.interactions < 2) return undefined;
  const [format] = entries[0]!;
  return format === 'none' ? undefined : format;
}
