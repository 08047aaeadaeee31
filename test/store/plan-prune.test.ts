import { describe, expect, it } from 'vitest';
import { CassetteError } from '../../src/errors.js';
import { parseDuration } from '../../src/store/parse-duration.js';
import { planPrune } from '../../src/store/plan-prune.js';
import type { TakeSummary } from '../../src/types.js';

const DAY = 86_400_000;
const NOW = Date.parse('2026-06-01T00:00:00Z');
const take = (episode: string, n: number, daysAgo: number, incomplete = 0): TakeSummary => ({
  episode,
  take: n,
  createdAt: new Date(NOW - daysAgo * DAY).toISOString(),
  mode: 'live',
  interactions: 2,
  incomplete,
});
const ids = (list: TakeSummary[]): string[] => list.map((t) => `${t.episode}/${t.take}`);

describe('planPrune', () => {
  const takes = [take('a', 1, 50), take('a', 2, 40), take('a', 3, 10), take('b', 1, 5)];

  it('keeps the N newest takes of each episode', () => {
    expect(ids(planPrune(takes, { keepTakes: 1 }).takes)).toEqual(['a/1', 'a/2']);
    expect(ids(planPrune(takes, { keepTakes: 2 }).takes)).toEqual(['a/1']);
  });

  it('removes takes older than the cutoff but never the newest take', () => {
    expect(ids(planPrune([...takes, take('c', 1, 99)], { olderThan: NOW - 30 * DAY }).takes)).toEqual(['a/1', 'a/2']);
  });

  it('removes a take only when every rule says so', () => {
    expect(ids(planPrune(takes, { keepTakes: 1, olderThan: NOW - 45 * DAY }).takes)).toEqual(['a/1']);
  });

  it('keeps the take golden serves when newer takes hold only cut-short calls', () => {
    const list = [take('a', 1, 50), take('a', 2, 40), take('a', 3, 1, 2), take('a', 4, 0, 2)];
    expect(ids(planPrune(list, { keepTakes: 1 }).takes)).toEqual(['a/1', 'a/3']);
  });

  it('touches only the episodes asked for', () => {
    expect(ids(planPrune(takes, { keepTakes: 1, episodes: ['b'] }).takes)).toEqual([]);
  });
});

describe('parseDuration', () => {
  it('reads minutes, hours, days and weeks', () => {
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('30d')).toBe(30 * DAY);
    expect(parseDuration('2w')).toBe(14 * DAY);
  });

  it.each(['30', 'd', '30 days', '-1d', '0d', '1y', ''])('rejects %j as bad usage', (value) => {
    expect(() => parseDuration(value)).toThrow(CassetteError);
    try {
      parseDuration(value);
    } catch (err) {
      expect((err as CassetteError).code).toBe('bad_usage');
      expect((err as CassetteError).exitCode).toBe(2);
    }
  });
});
