import { z } from 'zod';

/**
 * Small helpers shared by the built-in schemas. Every object is loose: a schema says what must
 * be there, never what may not, so a provider adding fields never violates it.
 */
export const str = z.string();
export const num = z.number();
export const obj = z.looseObject;

/**
 * An object discriminated by `type` where unknown types pass: known ones are checked against
 * their own schema, because SDKs skip block and event types they do not know.
 */
export function byType(known: Record<string, z.ZodType>): z.ZodType {
  return obj({ type: str }).superRefine((value, ctx) => {
    const schema = known[value.type];
    if (schema === undefined) return;
    const result = schema.safeParse(value);
    if (result.success) return;
    for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  });
}

/** A stream's event schemas by event type; `` is the unnamed (`message`) event. */
export type EventSchemas = Record<string, z.ZodType>;
