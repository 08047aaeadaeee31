import { isRecord } from '../../util/is-record.js';
/** A JSON object as parsed: keys to unknown values. */
export type JsonObject = Record<string, unknown>;

/** Whether a parsed JSON value is an object (not null, not an array). */
export { isRecord as isObject } from '../../util/is-record.js';

/** `value[key]` when `value` is an object and that member is an object. */
export function objectAt(value: unknown, key: string): JsonObject | undefined {
  if (!isRecord(value)) return undefined;
  const member = value[key];
  return isRecord(member) ? member : undefined;
}

/** `value[key]` when `value` is an object and that member is a string. */
export function stringAt(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const member = value[key];
  return typeof member === 'string' ? member : undefined;
}

/** `value[key]` when `value` is an object and that member is a finite number. */
export function numberAt(value: unknown, key: string): number | undefined {
  if (!isRecord(value)) return undefined;
  const member = value[key];
  return typeof member === 'number' && Number.isFinite(member) ? member : undefined;
}

/** `value[key]` when `value` is an object and that member is an array. */
export function arrayAt(value: unknown, key: string): unknown[] | undefined {
  if (!isRecord(value)) return undefined;
  const member = value[key];
  return Array.isArray(member) ? member : undefined;
}
