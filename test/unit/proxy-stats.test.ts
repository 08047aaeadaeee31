// Golden memory per miss (issue 13 item 9): the explained misses and drift findings the stats keep
// are a bounded sample; the counters keep the totals.
import { describe, expect, it } from 'vitest';
import { MISS_SAMPLE, ProxyStats } from '../../src/modes/proxy-stats.js';

describe('ProxyStats under endless misses', () => {
  it('keeps a sample of MISS_SAMPLE explained misses while counting them all', () => {
    const stats = new ProxyStats();
    for (let i = 0; i < 5 * MISS_SAMPLE; i++) {
      stats.misses.push({ episode: `fresh-${i}`, provider: 'openai', method: 'POST', path: '/v1/chat/completions', message: 'miss' });
      stats.drift.push({ severity: 'info', check: 'c', path: 'p', provider: 'openai' });
      stats.count('openai', 'miss', 0.001);
    }
    expect(stats.misses).toHaveLength(MISS_SAMPLE);
    expect(stats.misses[0]?.episode).toBe('fresh-0');
    expect(stats.drift).toHaveLength(MISS_SAMPLE);
    expect(stats.total('miss')).toBe(5 * MISS_SAMPLE);
  });
});
