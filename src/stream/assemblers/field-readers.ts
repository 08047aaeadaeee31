/** A JSON object as parsed: keys to unknown values. */
export type JsonObject = Record<string, unknown>;

/** Whether a parsed JSON value is an object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value[key]` when `value` is an object and that member is an object. */
export function objectAt(value: unknown, key: string): JsonObject | undefined {
  if (!isObject(value)) return undefined;
  const member = value[key];
  return isObject(member) ? member : undefined;
}

/** `value[key]` when `value` is an object and that member is a string. */
export function stringAt(value: unknown, key: string): string | undefined {
  if (!isObject(value)) return undefined;
  const member = value[key];
  return typeof member === 'string' ? member : undefined;
}

/** `value[key]` when `value` is an object and that member is a finite number. */
export function numberAt(value: unknown, key: string): number | undefined {
  if (!isObject(value)) return undefined;
  const member = value[key];
  return typeof member === 'number' && Number.isFinite(member) ? member : undefined;
}

/** `value[key]` when `value` is an object and that member is an array. */
export function arrayAt(value: unknown, key: string): unknown[] | undefined {
  if (!isObject(value)) return undefined;
  const member = value[key];
  return Array.isArray(member) ? member : undefined;
}
