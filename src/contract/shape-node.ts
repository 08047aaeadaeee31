import type { JsonType } from './contract-types.js';
import { pathRole, type PathRole } from './path-rules.js';
import { formatOf } from './string-format.js';

/** Distinct string values kept per path before it is judged not enum-like. */
export const MAX_VALUES = 32;
/** Interactions remembered per piece of evidence. */
export const MAX_REFS = 5;

// Type counts are kept in an array indexed like JSON_TYPES: keyed property access is slower.
const [ARRAY, BOOLEAN, NULL, NUMBER, OBJECT, STRING] = [0, 1, 2, 3, 4, 5] as const;
const TYPE_NAMES: readonly JsonType[] = ['array', 'boolean', 'null', 'number', 'object', 'string'];

function typeIndex(value: unknown): number {
  if (value === null) return NULL;
  const t = typeof value;
  if (t === 'string') return STRING;
  if (t === 'number') return NUMBER;
  if (t === 'boolean') return BOOLEAN;
  return Array.isArray(value) ? ARRAY : OBJECT;
}

/** Where an observed path, type, value or format came from (`episode/take/position`). */
export interface NodeRefs {
  present: string[];
  absent: string[];
  empty: string[];
  types: Map<JsonType, string[]>;
  values: Map<string, string[]>;
  formats: Map<string, string[]>;
}

let nextNodeId = 1;

/**
 * One JSON path of an endpoint family while samples stream through. Children are looked up by
 * key, so folding a document builds no path strings at all.
 */
export class ShapeNode {
  readonly id = nextNodeId++;
  present = 0;
  interactions = 0;
  lastSeq = -1;
  /** Counts per type, in JSON_TYPES order (`array`, `boolean`, `null`, `number`, `object`, `string`). */
  readonly typeCounts = [0, 0, 0, 0, 0, 0];
  /** Last interaction that added a ref per type: one ref per interaction is enough. */
  private readonly typeSeq = [-1, -1, -1, -1, -1, -1];
  empty = 0;
  values: Map<string, number> | undefined = new Map();
  readonly formats = new Map<string, number>();
  children: Map<string, ShapeNode> | undefined;
  item: ShapeNode | undefined;
  refs: NodeRefs | undefined;
  /** The last string seen here with its format: stream chunks repeat ids and models. */
  lastString: string | undefined;
  lastFormat = 'none';

  constructor(
    /** Key below the parent, `name[]` for array elements, `` for a document root. */
    readonly name: string,
    readonly role: PathRole,
    readonly eventRoot = false,
  ) {}

  /** True once per interaction and type: when a ref for that type is worth recording. */
  firstOfType(type: number, seq: number): boolean {
    if (this.typeSeq[type] === seq) return false;
    this.typeSeq[type] = seq;
    return true;
  }

  /** Objects seen at this path: the sample count of its children. */
  get objects(): number {
    return this.typeCounts[OBJECT]!;
  }
}

/**
 * The interaction a fold belongs to. `ref` is set when evidence is kept; `h1`/`h2` accumulate a
 * hash of the document's shape (paths, types, discriminator values) so that documents shaped
 * like one already checked skip the built-in schema.
 */
export interface FoldContext {
  seq: number;
  ref: string | undefined;
  h1: number;
  h2: number;
}

/** Appends a ref to a short evidence list. */
export function addRef(list: string[], ref: string | undefined): void {
  if (ref !== undefined && list.length < MAX_REFS && list[list.length - 1] !== ref && !list.includes(ref)) list.push(ref);
}

function refsOf(node: ShapeNode): NodeRefs {
  return (node.refs ??= { present: [], absent: [], empty: [], types: new Map(), values: new Map(), formats: new Map() });
}

function refList<K>(map: Map<K, string[]>, key: K): string[] {
  let list = map.get(key);
  if (list === undefined) map.set(key, (list = []));
  return list;
}

function mix(ctx: FoldContext, n: number): void {
  ctx.h1 = Math.imul(ctx.h1 ^ n, 0x9e3779b1);
  ctx.h2 = Math.imul((ctx.h2 + n) | 0, 0x85ebca77) ^ (ctx.h2 >>> 15);
}

function mixString(ctx: FoldContext, s: string): void {
  for (let i = 0; i < s.length; i++) mix(ctx, s.charCodeAt(i));
}

/** Folds one JSON value found at `node` into its statistics, recursively. */
export function foldValue(node: ShapeNode, value: unknown, ctx: FoldContext): void {
  node.present++;
  const firstVisit = node.lastSeq !== ctx.seq;
  if (firstVisit) {
    node.lastSeq = ctx.seq;
    node.interactions++;
  }
  const type = typeIndex(value);
  node.typeCounts[type]!++;
  mix(ctx, node.id * 8 + type);
  if (ctx.ref !== undefined && node.firstOfType(type, ctx.seq)) {
    const refs = refsOf(node);
    addRef(refs.present, ctx.ref);
    addRef(refList(refs.types, TYPE_NAMES[type]!), ctx.ref);
  }
  if (type === STRING) foldString(node, value as string, ctx, firstVisit);
  else if (type === ARRAY) foldArray(node, value as unknown[], ctx);
  else if (type === OBJECT && node.role !== 'opaque') foldObject(node, value as Record<string, unknown>, ctx);
}

function foldString(node: ShapeNode, value: string, ctx: FoldContext, firstVisit: boolean): void {
  const role = node.role;
  // Schemas branch on `type` values and literals: they belong to the shape.
  if (role === 'closed' || role === 'open' || node.name === 'type') mixString(ctx, value);
  if (role === 'free-text' || role === 'opaque') return;
  if (role !== 'volatile' && node.values !== undefined) {
    const seen = node.values.get(value);
    if (seen !== undefined) node.values.set(value, seen + 1);
    else if (node.values.size < MAX_VALUES) node.values.set(value, 1);
    // Too many distinct values: not an enum, and no longer worth the memory.
    else node.values = undefined;
    if (ctx.ref !== undefined && node.values !== undefined && (firstVisit || seen === undefined)) {
      addRef(refList(refsOf(node).values, value), ctx.ref);
    }
  }
  if (role === 'closed' || role === 'open') return;
  const format = value === node.lastString ? node.lastFormat : formatOf(value);
  node.lastString = value;
  node.lastFormat = format;
  const count = node.formats.get(format);
  node.formats.set(format, (count ?? 0) + 1);
  if (ctx.ref !== undefined && (firstVisit || count === undefined)) addRef(refList(refsOf(node).formats, format), ctx.ref);
}

function foldArray(node: ShapeNode, value: unknown[], ctx: FoldContext): void {
  if (value.length === 0) {
    node.empty++;
    if (ctx.ref !== undefined) addRef(refsOf(node).empty, ctx.ref);
    return;
  }
  if (node.role === 'opaque') return;
  // Elements share one node: `choices[]`. They keep the array's role (string lists of content).
  const item = (node.item ??= new ShapeNode(`${node.name}[]`, node.role === 'closed' ? 'plain' : node.role));
  for (const element of value) foldValue(item, element, ctx);
}

function foldObject(node: ShapeNode, value: Record<string, unknown>, ctx: FoldContext): void {
  const children = (node.children ??= new Map());
  let keys = 0;
  for (const key in value) {
    keys++;
    let child = children.get(key);
    if (child === undefined) {
      child = new ShapeNode(key, pathRole(key, node.name === '' ? undefined : node.name, node.eventRoot, node.role));
      children.set(key, child);
    }
    foldValue(child, value[key], ctx);
  }
  // Evidence for "required path gone / now optional": which samples lacked a known key. Every
  // key folded is a child, so equal counts mean nothing was missing.
  if (ctx.ref !== undefined && keys < children.size) {
    for (const [key, child] of children) {
      if ((child.refs?.absent.length ?? 0) < MAX_REFS && !(key in value)) addRef(refsOf(child).absent, ctx.ref);
    }
  }
}
