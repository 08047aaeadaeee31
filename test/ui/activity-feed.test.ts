import { describe, expect, it } from 'vitest';
import { ActivityFeed } from '../../src/ui/activity-feed.js';
import type { CallRecord } from '../../src/ui/activity-feed.js';
import type { MissDetail } from '../../src/pipeline/call-result.js';

const call = (i: number, extra: Partial<CallRecord> = {}) => ({
  episode: `ep-${i % 3}`,
  provider: 'openai',
  method: 'POST',
  path: `/openai/v1/chat/${i}`,
  outcome: 'recorded',
  status: 200,
  ms: i / 10,
  ...extra,
});

describe('activity feed', () => {
  it('keeps the last 500 calls in order, each as it was pushed, and filters by seq', () => {
    const feed = new ActivityFeed();
    const before = Date.now();
    for (let i = 1; i <= 620; i++) feed.push(call(i, i === 7 ? { at: '2026-01-02T03:04:05.678Z' } : {}));
    const recent = feed.recent();
    expect(recent).toHaveLength(500);
    expect(recent.map((c) => c.seq)).toEqual(Array.from({ length: 500 }, (_, k) => 121 + k));
    const last = recent.at(-1) as CallRecord;
    expect(last).toEqual({ ...call(620), seq: 620, at: last.at });
    expect(Date.parse(last.at)).toBeGreaterThanOrEqual(before - 1);
    expect(new Date(last.at).toISOString()).toBe(last.at);
    expect(feed.recent(615).map((c) => c.path)).toEqual([616, 617, 618, 619, 620].map((i) => `/openai/v1/chat/${i}`));
    expect(feed.seq).toBe(620);
  });

  it('keeps fewer than 500 calls in order before the ring is full, with a given `at` as given', () => {
    const feed = new ActivityFeed();
    for (let i = 1; i <= 3; i++) feed.push(call(i, { at: `2026-01-02T03:04:0${i}.000Z` }));
    expect(feed.recent().map((c) => [c.seq, c.at])).toEqual([
      [1, '2026-01-02T03:04:01.000Z'],
      [2, '2026-01-02T03:04:02.000Z'],
      [3, '2026-01-02T03:04:03.000Z'],
    ]);
  });

  it('keeps every miss with its detail, counts per episode, and tells listeners each call', () => {
    const feed = new ActivityFeed();
    const heard: CallRecord[] = [];
    const off = feed.subscribe((c) => heard.push(c));
    const detail: MissDetail = {
      message: 'no recording',
      request: { method: 'POST', path: '/v1/chat/completions', query: [], headers: {}, body: { kind: 'empty' } },
    };
    feed.push(call(1, { outcome: 'hit', episode: 'a', at: '2026-01-01T00:00:01.000Z' }));
    feed.push(call(2, { outcome: 'miss', episode: 'a', detail, at: '2026-01-01T00:00:02.000Z' }));
    feed.push(call(3, { outcome: 'hit', episode: 'b', at: '2026-01-01T00:00:03.000Z' }));
    off();
    feed.push(call(4, { outcome: 'hit', episode: 'a', at: '2026-01-01T00:00:04.000Z' }));
    expect(heard.map((c) => c.seq)).toEqual([1, 2, 3]);
    expect(heard[1]?.detail).toBe(detail);
    expect(feed.misses()).toEqual([{ ...call(2, { outcome: 'miss', episode: 'a', detail }), seq: 2, at: '2026-01-01T00:00:02.000Z' }]);
    const a = feed.sessions().get('a');
    expect([a?.hits, a?.misses, a?.lastUsed, a?.seq]).toEqual([2, 1, '2026-01-01T00:00:04.000Z', 4]);
    // Least recently used first.
    expect([...feed.sessions().keys()]).toEqual(['b', 'a']);
    expect(feed.tracked).toEqual({ activitySessions: 2, activityMisses: 1 });
  });

  it('counts an episode called many times in a row once per call and moves it last only when another came between', () => {
    const feed = new ActivityFeed();
    for (const episode of ['a', 'a', 'a', 'b', 'c', 'c', 'a', 'b']) feed.push(call(1, { outcome: 'hit', episode }));
    expect([...feed.sessions().keys()]).toEqual(['c', 'a', 'b']);
    expect([...feed.sessions()].map(([id, s]) => [id, s.hits, s.seq])).toEqual([
      ['c', 2, 6],
      ['a', 4, 7],
      ['b', 2, 8],
    ]);
  });
});
