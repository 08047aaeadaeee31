// The UI over a 100,000-interaction store: the page never gets everything at once (pages of at most
// `limit` rows, no search text, no bodies), the very first answer is complete (the store's own
// summary query, nothing to build first), and list, search, filters, cursors and deep pages find
// exactly what they should. Timing is measured by bench/ui-scale.js, not asserted here.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedactor } from '../../src/safety/create-redactor.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { Interaction } from '../../src/types.js';
import { ActivityFeed } from '../../src/ui/activity-feed.js';
import { UiService } from '../../src/ui/ui-service.js';
import { runDeferred, tempDir } from '../helpers/cleanup.js';

const EPISODES = 1000;
const PER_EPISODE = 100;
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'o3-mini'];

function interaction(e: number, j: number): Interaction {
  const model = MODELS[e % MODELS.length] as string;
  const prompt = `question ${j} of run ${e}${e === 424 && j === 7 ? ' about zanzibar' : ''}`;
  return {
    episode: `run-${String(e).padStart(4, '0')}`,
    take: 1,
    position: j + 1,
    provider: 'openai',
    family: 'openai',
    key: `k${e}-${j}`,
    keyVersion: 1,
    occurrence: 1,
    request: {
      method: 'POST',
      path: '/v1/chat/completions',
      query: [],
      headers: {},
      body: { kind: 'json', json: { model, messages: [{ role: 'user', content: prompt }] } },
    },
    response: {
      status: 200,
      headers: {},
      body: { kind: 'json', json: { choices: [{ message: { role: 'assistant', content: `answer ${j}` } }] } },
    },
    complete: true,
    timings: { ttfbMs: 10, totalMs: 20 },
    usage: { inputTokens: 10, outputTokens: 5 },
    costUsd: e === 999 ? 1 : 0.001,
    assembled: { text: `answer ${j}`, toolCalls: [], model },
    recordedAt: new Date(Date.UTC(2026, 0, 1) + e * 60_000).toISOString(),
    productVersion: 'test',
  };
}

let store: Store;
let ui: UiService;
let dir: string;

beforeAll(async () => {
  dir = tempDir();
  const path = join(dir, 'big.db');
  const writer = await openStore(path);
  for (let e = 0; e < EPISODES; e++) {
    const episode = `run-${String(e).padStart(4, '0')}`;
    const list = Array.from({ length: PER_EPISODE }, (_, j) => interaction(e, j));
    const at = list[0]?.recordedAt ?? '';
    await writer.importTake(
      { episode, take: 1, createdAt: at, closedAt: at, mode: 'live', interactions: PER_EPISODE, incomplete: 0 },
      list,
    );
  }
  await writer.close();
  store = await openStore(path, { readonly: true });
  ui = new UiService({
    store,
    activity: new ActivityFeed(),
    redactor: createRedactor([]),
    contractsDir: join(dir, 'contracts'),
    info: { mode: 'test', store: path, live: false, version: 'test' },
  });
}, 120_000);

afterAll(async () => {
  await store?.close();
  await runDeferred();
});

describe('a 100,000-interaction store', () => {
  it('answers the very first page complete, with at most one page of rows and a cursor to the next', async () => {
    const first = await ui.episodes({ limit: 50 });
    expect(first.total).toBe(EPISODES);
    expect(first.items).toHaveLength(50);
    expect(first.items[0]).toMatchObject({
      episode: 'run-0999',
      calls: 100,
      recorded: 100,
      takes: 1,
      inputTokens: 1000,
      outputTokens: 500,
    });
    expect(first.items[0]).not.toHaveProperty('search');
    expect(first.models).toEqual(['gpt-4o', 'gpt-4o-mini', 'o3-mini']);
    const second = await ui.episodes({ limit: 50, cursor: first.nextCursor as string });
    expect(second.items[0]?.episode).toBe('run-0949');
    expect(second.total).toBe(EPISODES);
  }, 120_000);

  it('finds one episode by a word of one prompt, filters by model, sorts by cost, and pages to the end', async () => {
    const found = await ui.episodes({ q: 'Zanzibar' });
    expect(found.items.map((r) => r.episode)).toEqual(['run-0424']);
    const byModel = await ui.episodes({ model: 'o3-mini', limit: 10 });
    expect(byModel.total).toBe(333);
    expect(byModel.items.every((r) => r.models.includes('o3-mini'))).toBe(true);
    expect((await ui.episodes({ sort: 'cost', limit: 1 })).items[0]?.episode).toBe('run-0999');
    const last = await ui.episodes({ sort: 'episode', offset: 990, limit: 50 });
    expect(last.items.map((r) => r.episode)).toEqual(Array.from({ length: 10 }, (_, i) => `run-0${990 + i}`));
    const steps = await ui.episode('run-0424');
    expect(steps?.steps).toHaveLength(100);
    expect(steps?.steps[7]?.prompt).toContain('zanzibar');
  }, 120_000);
});
