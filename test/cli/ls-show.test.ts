import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cassette, tempDir, writeStore } from './cli-helpers.js';

const tmp = tempDir();
const store = join(tmp.dir, 'cassettes.db');

beforeAll(async () => {
  await writeStore(store, {
    checkout: [
      [{ ask: 'old question' }],
      [
        { ask: 'What is the capital of France?', answer: 'Paris.', usage: { inputTokens: 100, outputTokens: 20 } },
        { ask: 'And of Italy?', answer: 'Rome.', streamed: true, usage: { inputTokens: 130, outputTokens: 4, cacheReadTokens: 64 } },
      ],
    ],
    'a-long-episode-name': [[{}]],
  });
});
afterAll(() => tmp.cleanup());

describe('cassette ls', () => {
  it('prints one aligned row per episode with the served take', async () => {
    const r = await cassette(['ls', '--store', store], tmp.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^EPISODE\s+TAKES\s+TAKE\s+CALLS\s+TOKENS\s+COST\s+RECORDED$/);
    const checkout = lines.find((l) => l.startsWith('checkout')) ?? '';
    expect(checkout.split(/\s+/).slice(0, 5)).toEqual(['checkout', '2', '2', '2', '254']);
    // Aligned: every row's RECORDED column starts where the header's does.
    const at = (lines[0] ?? '').indexOf('RECORDED');
    for (const line of lines.slice(1)) expect(line.slice(at)).toMatch(/^\d{4}-\d\d-\d\d$/);
  });

  it('prints one {ok, store, episodes} document with --json', async () => {
    const r = await cassette(['ls', '--store', store, '--json'], tmp.dir);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { ok: boolean; store: string; episodes: Record<string, unknown>[] };
    expect(doc).toMatchObject({ ok: true, store });
    const rows = doc.episodes;
    expect(rows.map((x) => x.episode)).toEqual(['a-long-episode-name', 'checkout']);
    expect(rows[1]).toMatchObject({ episode: 'checkout', takes: 2, take: 2, calls: 2, inputTokens: 230, outputTokens: 24 });
    expect(typeof rows[1]?.costUsd).toBe('number');
  });

  it('reads the store from CASSETTE_STORE', async () => {
    const r = await cassette(['ls', '--json'], tmp.dir, { CASSETTE_STORE: store });
    expect(JSON.parse(r.stdout).episodes).toHaveLength(2);
  });

  it('exits 3 naming the path when the store does not exist, and creates nothing', async () => {
    const missing = join(tmp.dir, 'nope', 'missing.db');
    const r = await cassette(['ls', '--store', missing], tmp.dir);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`no store at ${missing}`);
    expect(existsSync(join(tmp.dir, 'nope'))).toBe(false);
    const j = await cassette(['ls', '--store', missing, '--json'], tmp.dir);
    expect(j.code).toBe(3);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, error: { code: 'store_unreadable' } });
  });
});

describe('cassette show', () => {
  it('shows each step of the served take: request, answer, usage, timings', async () => {
    const r = await cassette(['show', 'checkout', '--store', store], tmp.dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('episode "checkout" take 2');
    expect(r.stdout).toContain('step 1  openai POST /v1/chat/completions  → 200  not streamed');
    expect(r.stdout).toContain('step 2  openai POST /v1/chat/completions  → 200  streamed (sse, 2 events)');
    expect(r.stdout).toMatch(/model:\s+gpt-4o-mini/);
    expect(r.stdout).toMatch(/request:\s+"What is the capital of France\?"/);
    expect(r.stdout).toMatch(/answer:\s+"Paris\."/);
    expect(r.stdout).toMatch(/finish:\s+stop/);
    expect(r.stdout).toMatch(/usage:\s+130 in, 4 out, cache read 64/);
    expect(r.stdout).toMatch(/timings:\s+ttfb 20 ms, total 100 ms/);
    expect(r.stdout).not.toContain('old question');
  });

  it('prints the full interactions of one step with --take, --step and --json', async () => {
    const r = await cassette(['show', 'checkout', '--take', '1', '--step', '1', '--json', '--store', store], tmp.dir);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: true, episode: 'checkout', take: 1 });
    expect(doc.interactions).toHaveLength(1);
    expect(doc.interactions[0]).toMatchObject({
      episode: 'checkout',
      take: 1,
      position: 1,
      request: { method: 'POST' },
      response: { status: 200 },
    });
    expect(doc.interactions[0].request.body.json.messages[1].content).toBe('old question');
  });

  it('fails with episode_not_found naming the known episodes', async () => {
    const r = await cassette(['show', 'chekout', '--store', store], tmp.dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no episode "chekout"');
    expect(r.stderr).toContain('"checkout"');
    const j = await cassette(['show', 'chekout', '--store', store, '--json'], tmp.dir);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, error: { code: 'episode_not_found' } });
  });

  it('fails with exit 1 for a take or step that does not exist, exit 2 for a malformed one', async () => {
    expect((await cassette(['show', 'checkout', '--take', '9', '--store', store], tmp.dir)).code).toBe(1);
    expect((await cassette(['show', 'checkout', '--step', '9', '--store', store], tmp.dir)).code).toBe(1);
    const bad = await cassette(['show', 'checkout', '--step', 'two', '--store', store], tmp.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--step expects a whole number');
  });
});

describe('store-keeping commands on a directory store', () => {
  it('lists, shows and counts a directory store like a SQLite one', async () => {
    const dir = join(tmp.dir, 'dir-store');
    await writeStore(dir, { checkout: [[{ ask: 'old' }], [{ ask: 'Hello there', usage: { inputTokens: 3, outputTokens: 4 } }]] });
    const ls = await cassette(['ls', '--json', '--store', dir], tmp.dir);
    expect(ls.code).toBe(0);
    expect(JSON.parse(ls.stdout).episodes).toMatchObject([
      { episode: 'checkout', takes: 2, take: 2, calls: 1, inputTokens: 3, outputTokens: 4 },
    ]);
    const show = await cassette(['show', 'checkout', '--store', dir], tmp.dir);
    expect(show.stdout).toMatch(/request:\s+"Hello there"/);
    const stats = await cassette(['stats', '--json', '--store', dir], tmp.dir);
    expect(JSON.parse(stats.stdout).totals).toMatchObject({ calls: 1, inputTokens: 3, outputTokens: 4 });
  });
});
