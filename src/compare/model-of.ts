import { providerOfFamily } from '../providers/registry.js';
import type { Interaction } from '../types.js';

/** The model an interaction names: the answer's own, else what the request asked for (the family knows where). */
export function modelOf(i: Interaction): string | undefined {
  if (i.assembled?.model) return i.assembled.model;
  const body = i.request.body.kind === 'json' ? i.request.body.json : undefined;
  return providerOfFamily(i.family)?.model(i.request.path, body);
}
