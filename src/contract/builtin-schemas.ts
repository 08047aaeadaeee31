import type { BuiltinSchema } from '../providers/provider.js';
import { allProviders, providerOfFamily } from '../providers/registry.js';
import type { Sample } from './read-samples.js';

export type { BuiltinSchema } from '../providers/provider.js';

// The contract checker is loaded on demand (contract commands, smoke mode): the providers' zod
// schemas come in with it, once, and not before.
await Promise.all(allProviders().map((p) => p.loadContract?.()));

/** A document that does not satisfy its built-in schema. */
export interface SchemaViolation {
  path: string;
  message: string;
}

/**
 * The built-in schema of an endpoint family, if it is a known one. Chosen by route first, since
 * OpenAI-compatible routes answer in OpenAI's shape whichever provider serves them; then by the
 * interaction's own family (its error shape, its own routes).
 */
export function builtinSchemaFor(family: string, route: string, stream: boolean, statusClass: string): BuiltinSchema | undefined {
  for (const p of allProviders()) {
    const schema = p.contractSchema(route, stream, statusClass, false);
    if (schema) return schema;
  }
  return providerOfFamily(family)?.contractSchema(route, stream, statusClass, true);
}

/** Checks one document against its schema; unknown stream events pass (an open set). */
export function validateSample(schema: BuiltinSchema, sample: Sample): SchemaViolation[] {
  const docSchema = schema.docs[sample.event];
  if (docSchema === undefined) return [];
  const result = docSchema.safeParse(sample.json);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: issuePath(sample.event, issue.path), message: issue.message }));
}

/** A zod issue path in contract notation: indices collapse to `[]`, stream events prefix it. */
export function issuePath(event: string, path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += '[]';
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  if (out === '') return event === '' ? '$' : `${event}:$`;
  return event === '' ? out : `${event}:${out}`;
}
