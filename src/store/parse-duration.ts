import { CassetteError } from '../errors.js';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `30d`, `12h`, `90m`, `2w` (and `45s`) in milliseconds; throws bad_usage naming the flag. */
export function parseDuration(value: string, flag = '--older-than'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(value);
  const amount = m?.[1] === undefined ? NaN : Number(m[1]);
  const unit = m?.[2]?.toLowerCase() as keyof typeof UNIT_MS | undefined;
  if (!unit || !Number.isFinite(amount) || amount <= 0) {
    throw new CassetteError('bad_usage', `${flag} expects a duration such as 30d, 12h, 90m or 2w, got "${value}"`, {
      hint: 'Units: s seconds, m minutes, h hours, d days, w weeks.',
    });
  }
  return amount * UNIT_MS[unit];
}
