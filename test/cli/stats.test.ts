import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRICE_TABLE_DATE } from '../../src/providers/prices.js';
import { freshDatabase } from '../helpers/postgres.js';
import { cassette, tempDir, writeStore } from './cli-helpers.js';
import type { CallSpec } from './cli-helpers.js';

const tmp = tempDir();
const store = join(tmp.dir, 'stats.db');

const served: CallSpec[] = [
  { usage: { inputTokens: 1000, outputTokens: 500 }, totalMs: 100, ttfbMs: 10 },
  { usage: { inputTokens: 2000, outputTokens: 300, cacheReadTokens: 1000, reasoningTokens: 64 }, totalMs: 300, ttfbMs: 30 },
  { usage: { inputTokens: 400, outputTokens: 40 }, totalMs: 200, ttfbMs: 20, streamed: true },
];

beforeAll(async () => {
  await writeStore(store, {
    chat: [[{ usage: { inputTokens: 7, outputTokens: 7 } }], served],
    claude: [
      [
        {
          anthropic: true,
          model: 'claude-sonnet-4-5',
          usage: { inputTokens: 50, outputTokens: 10, cacheReadTokens: 200, cacheWriteTokens: 100 },
        },
      ],
    ],
  });
});
afterAll(() => tmp.cleanup());

describe('cassette stats', () => {
  it('sums the tokens the providers reported, per served take and in total', async () => {
    const r = await cassette(['stats', '--json', '--store', store], tmp.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(doc.ok).toBe(true);
    expect(doc.priceTableDate).toBe(PRICE_TABLE_DATE);
    expect(doc.episodes).toHaveLength(2);
    expect(doc.episodes[0]).toMatchObject({
      episode: 'chat',
      take: 2,
      calls: 3,
      inputTokens: 3400,
      outputTokens: 840,
      cacheReadTokens: 1000,
      cacheWriteTokens: 0,
      reasoningTokens: 64,
      latencyMs: { p50: 200, p95: 300, meanTtfb: 20 },
    });
    expect(doc.episodes[1]).toMatchObject({
      episode: 'claude',
      take: 1,
      calls: 1,
      inputTokens: 50,
      outputTokens: 10,
      cacheReadTokens: 200,
      cacheWriteTokens: 100,
    });
    expect(doc.totals).toMatchObject({
      calls: 4,
      inputTokens: 3450,
      outputTokens: 850,
      cacheReadTokens: 1200,
      cacheWriteTokens: 100,
      reasoningTokens: 64,
    });
  });

  it('prices calls at the built-in table', async () => {
    const doc = JSON.parse((await cassette(['stats', '--json', '--store', store], tmp.dir)).stdout);
    // gpt-4o-mini: $0.15 in, $0.60 out, $0.075 cached in, per million; cached tokens are inside the input count.
    const chat = (1000 * 0.15 + 500 * 0.6 + (1000 * 0.15 + 1000 * 0.075 + 300 * 0.6) + 400 * 0.15 + 40 * 0.6) / 1e6;
    expect(doc.episodes[0].costUsd).toBeCloseTo(chat, 10);
    // claude-sonnet-4: cache reads and writes are beside the input count.
    const claude = (50 * 3 + 10 * 15 + 200 * 0.3 + 100 * 3.75) / 1e6;
    expect(doc.episodes[1].costUsd).toBeCloseTo(claude, 10);
    expect(doc.totals.costUsd).toBeCloseTo(chat + claude, 10);
  });

  it('reports every take with --all-takes', async () => {
    const doc = JSON.parse((await cassette(['stats', '--all-takes', '--json', '--store', store], tmp.dir)).stdout);
    expect(doc.episodes.map((e: { episode: string; take: number; calls: number }) => [e.episode, e.take, e.calls])).toEqual([
      ['chat', 1, 1],
      ['chat', 2, 3],
      ['claude', 1, 1],
    ]);
    expect(doc.totals.inputTokens).toBe(3457);
  });

  it('prints an aligned table with totals and the price table date', async () => {
    const r = await cassette(['stats', '--store', store], tmp.dir);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^EPISODE\s+TAKE\s+CALLS\s+INPUT\s+OUTPUT\s+CACHE READ\s+CACHE WRITE\s+REASONING\s+COST\s+P50 MS\s+P95 MS\s+TTFB MS$/,
    );
    expect(lines[1]?.split(/\s+/).slice(0, 9)).toEqual([
      'chat',
      '2',
      '3',
      '3400',
      '840',
      '1000',
      '0',
      '64',
      expect.stringMatching(/^\$0\.00/),
    ]);
    expect(lines[3]).toMatch(/^TOTAL\s+4\s+3450\s+850\s/);
    expect(lines[0]?.length).toBe(lines[1]?.length);
    // The footer is talk (issue 14 item 17): stderr, so stdout is the table alone.
    expect(r.stderr).toContain(`list prices of ${PRICE_TABLE_DATE}`);
    expect(r.stdout).not.toContain('list prices');
  });
});

describe('cassette stats: body dedup', () => {
  it('reports the dedup ratio of a PostgreSQL store: a body recorded in two episodes is stored once', async () => {
    const db = await freshDatabase();
    const same: CallSpec = { key: 'same', ask: 'the same prompt', answer: 'the same answer' };
    await writeStore(db.url, { first: [[same]], second: [[same]] });
    const r = await cassette(['stats', '--json', '--store', db.url], tmp.dir);
    expect(r.code).toBe(0);
    const { bodyDedup } = JSON.parse(r.stdout);
    expect(bodyDedup.referencedBytes).toBeGreaterThan(0);
    // Both episodes refer to the same request and answer bodies: each is stored once.
    expect(bodyDedup.storedBytes * 2).toBe(bodyDedup.referencedBytes);
    expect(bodyDedup.ratio).toBe(2);
    const human = await cassette(['stats', '--store', db.url], tmp.dir);
    expect(human.code).toBe(0);
    expect(human.stderr).toMatch(/body dedup: 2\.00x \(\d+ bytes referenced, \d+ stored\)/);
    expect(human.stderr).not.toContain(db.password);
  });

  it('says n/a for a store that keeps bodies with each interaction, and has no bodyDedup in --json', async () => {
    expect(JSON.parse((await cassette(['stats', '--json', '--store', store], tmp.dir)).stdout)).not.toHaveProperty('bodyDedup');
    expect((await cassette(['stats', '--store', store], tmp.dir)).stderr).toContain('body dedup: n/a');
  });
});
