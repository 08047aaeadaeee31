import { CassetteError } from '../errors.js';

/** A whole number from 1, else bad_usage naming the flag. */
export function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CassetteError('bad_usage', `${flag} expects a whole number from 1, got "${value}"`);
  return n;
}
