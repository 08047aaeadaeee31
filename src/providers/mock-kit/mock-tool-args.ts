import { isRecord } from '../../util/is-record.js';
import type { Rng } from './mock-random.js';
import { BASE62, fillerWords, HEX } from './mock-random.js';

/** Deep schemas (or cyclic `$ref`s) stop here with the simplest value of the type. */
const MAX_DEPTH = 8;

/**
 * A value that satisfies a JSON schema (OpenAI `parameters`, Anthropic `input_schema`, Gemini
 * `parameters` with upper-case OpenAPI types or `parametersJsonSchema`), drawn from `rng`: every
 * required property, some optional ones, right types, enums and bounds honoured, local `$ref`s
 * (`#/$defs/...`, `#/definitions/...`) followed.
 */
export function valueFromSchema(schema: unknown, rng: Rng, root: unknown = schema, depth = 0): unknown {
  if (!isRecord(schema)) return fillerWords(rng, 1)[0];
  const resolved = resolveRef(schema, root);
  if ('const' in resolved) return resolved.const;
  if (Array.isArray(resolved.enum) && resolved.enum.length > 0) {
    const choices = resolved.enum.filter((v) => v !== null);
    return choices.length > 0 ? rng.pick(choices) : null;
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = resolved[key];
    if (Array.isArray(options) && options.length > 0) {
      const nonNull = options.filter((o) => !(isRecord(o) && o.type === 'null'));
      return valueFromSchema(rng.pick(nonNull.length > 0 ? nonNull : options), rng, root, depth + 1);
    }
  }
  const merged = Array.isArray(resolved.allOf) ? mergeAllOf(resolved, root) : resolved;
  switch (schemaType(merged, rng)) {
    case 'object':
      return depth >= MAX_DEPTH ? {} : objectValue(merged, rng, root, depth);
    case 'array':
      return depth >= MAX_DEPTH ? [] : arrayValue(merged, rng, root, depth);
    case 'integer':
      return integerValue(merged, rng);
    case 'number':
      return numberValue(merged, rng);
    case 'boolean':
      return rng.chance(0.5);
    case 'null':
      return null;
    default:
      return stringValue(merged, rng);
  }
}

function resolveRef(schema: Record<string, unknown>, root: unknown): Record<string, unknown> {
  let current = schema;
  // A chain of refs longer than this is a cycle.
  for (let hops = 0; hops < 16 && typeof current.$ref === 'string'; hops++) {
    const target = pointer(root, current.$ref);
    if (!isRecord(target)) return {};
    const { $ref: _ref, ...siblings } = current;
    current = { ...target, ...siblings };
  }
  return current;
}

function pointer(root: unknown, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node = root;
  for (const raw of ref
    .slice(1)
    .split('/')
    .filter((s) => s.length > 0)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = isRecord(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined;
  }
  return node;
}

function mergeAllOf(schema: Record<string, unknown>, root: unknown): Record<string, unknown> {
  const parts = (schema.allOf as unknown[]).filter(isRecord).map((p) => resolveRef(p, root));
  const properties: Record<string, unknown> = {};
  const required: unknown[] = [];
  let merged: Record<string, unknown> = {};
  for (const part of [...parts, schema]) {
    merged = { ...merged, ...part };
    if (isRecord(part.properties)) Object.assign(properties, part.properties);
    if (Array.isArray(part.required)) required.push(...part.required);
  }
  const { allOf: _allOf, ...rest } = merged;
  return Object.keys(properties).length > 0 ? { ...rest, properties, required } : rest;
}

function schemaType(schema: Record<string, unknown>, rng: Rng): string {
  const raw = schema.type;
  const types = (Array.isArray(raw) ? raw : [raw]).filter((t): t is string => typeof t === 'string');
  const nonNull = types.map((t) => t.toLowerCase()).filter((t) => t !== 'null');
  if (nonNull.length > 0) return rng.pick(nonNull);
  if (types.length > 0) return 'null';
  if (isRecord(schema.properties)) return 'object';
  if (schema.items !== undefined) return 'array';
  return 'string';
}

function objectValue(schema: Record<string, unknown>, rng: Rng, root: unknown, depth: number): unknown {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  const out: Record<string, unknown> = {};
  for (const [name, sub] of Object.entries(properties)) {
    if (required.has(name) || rng.chance(0.5)) out[name] = valueFromSchema(sub, rng, root, depth + 1);
  }
  for (const name of required) {
    if (!(name in out)) out[name] = fillerWords(rng, 1)[0];
  }
  return out;
}

function arrayValue(schema: Record<string, unknown>, rng: Rng, root: unknown, depth: number): unknown[] {
  const min = typeof schema.minItems === 'number' ? schema.minItems : 1;
  const max = Math.max(min, typeof schema.maxItems === 'number' ? schema.maxItems : Math.max(min, 3));
  const count = rng.int(min, Math.min(max, min + 2));
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) out.push(valueFromSchema(schema.items, rng, root, depth + 1));
  return out;
}

function bounds(schema: Record<string, unknown>, defaultSpan: number, step: number): [number, number] {
  const num = (key: string): number | undefined => (typeof schema[key] === 'number' ? (schema[key] as number) : undefined);
  const exMin = num('exclusiveMinimum');
  const exMax = num('exclusiveMaximum');
  const low = num('minimum') ?? (exMin === undefined ? undefined : exMin + step);
  const high = num('maximum') ?? (exMax === undefined ? undefined : exMax - step);
  const min = low ?? (high === undefined ? 0 : Math.min(0, high - defaultSpan));
  return [min, Math.max(min, high ?? min + defaultSpan)];
}

function integerValue(schema: Record<string, unknown>, rng: Rng): number {
  const [min, max] = bounds(schema, 100, 1);
  return rng.int(Math.ceil(min), Math.max(Math.ceil(min), Math.floor(max)));
}

function numberValue(schema: Record<string, unknown>, rng: Rng): number {
  const [min, max] = bounds(schema, 100, 0.01);
  const rounded = Math.round((min + rng.next() * (max - min)) * 100) / 100;
  return Math.min(max, Math.max(min, rounded));
}

function stringValue(schema: Record<string, unknown>, rng: Rng): string {
  switch (schema.format) {
    case 'date-time':
      return new Date(Date.UTC(2025, rng.int(0, 11), rng.int(1, 28), rng.int(0, 23), rng.int(0, 59))).toISOString();
    case 'date':
      return `2025-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
    case 'time':
      return `${String(rng.int(0, 23)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:00`;
    case 'email':
      return `${fillerWords(rng, 1)[0]}@example.com`;
    case 'uri':
    case 'url':
      return `https://example.com/${fillerWords(rng, 1)[0]}`;
    case 'uuid': {
      const h = rng.chars(32, HEX);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
    }
  }
  const minLength = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  let text = fillerWords(rng, rng.int(1, 3)).join(' ');
  while (text.length < minLength) text += ` ${fillerWords(rng, 1).join('')}`;
  if (text.length > maxLength) text = text.slice(0, maxLength);
  // A pattern we cannot satisfy is better met by an id-like token than by prose.
  if (typeof schema.pattern === 'string' && !safeTest(schema.pattern, text)) {
    const token = rng.chars(Math.max(minLength, Math.min(maxLength, 8)), BASE62);
    return safeTest(schema.pattern, token) ? token : text;
  }
  return text;
}

function safeTest(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return true;
  }
}
