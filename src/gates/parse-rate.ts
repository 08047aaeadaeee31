import { CassetteError } from '../errors.js';

/** `0.15`, `15%` or `15 %` as 0.15; throws bad_usage naming where the value came from. */
export function parseRate(value: string, where: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(value);
  const n = m?.[1] === undefined ? NaN : Number(m[1]) / (m[2] ? 100 : 1);
  if (!Number.isFinite(n) || n < 0 || n > 10) {
    throw new CassetteError('bad_usage', `${where} expects a rate such as 0.15 or 15%, got "${value}"`);
  }
  return n;
}

/** A non-negative amount of US dollars. */
export function parseUsd(value: string, where: string): number {
  const n = Number(value.trim().replace(/^\$/, ''));
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new CassetteError('bad_usage', `${where} expects an amount in USD such as 2.50, got "${value}"`);
  }
  return n;
}
