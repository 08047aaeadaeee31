import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDirectoryStore } from '../../src/store/directory-store.js';
import type { Interaction } from '../../src/types.js';
import { corpusIndex } from '../helpers/corpus.js';
import { storedCorpusInteraction, tempDir } from './fixtures.js';

// Not a benchmark: prints how long opening a 10,000-interaction directory store and answering
// the first request (loading one episode) takes. Asserts only that it found the episode.
const EPISODES = 100;
const PER_EPISODE = 100;
let tmp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  tmp = tempDir('cassette-10k-');
  const corpus = corpusIndex().map((entry) => storedCorpusInteraction(entry, 'x', 1, 1));
  const store = openDirectoryStore(join(tmp.path, 'dir'));
  for (let e = 0; e < EPISODES; e++) {
    const episode = `ep-${String(e).padStart(4, '0')}`;
    const interactions: Interaction[] = [];
    for (let p = 1; p <= PER_EPISODE; p++) interactions.push({ ...corpus[(e * PER_EPISODE + p) % corpus.length]!, episode, position: p });
    await store.importTake(
      { episode, take: 1, mode: 'live', createdAt: '2025-01-01T00:00:00.000Z', interactions: 0, incomplete: 0 },
      interactions,
    );
  }
  await store.close();
}, 120_000);
afterAll(() => tmp?.remove());

it('opens a 10,000-interaction directory store and loads one episode quickly', async () => {
  const t0 = performance.now();
  const store = openDirectoryStore(join(tmp.path, 'dir'), { readonly: true });
  const index = await store.loadEpisode('ep-0050');
  const t1 = performance.now();
  expect(index?.interactions).toHaveLength(PER_EPISODE);
  console.log(`10,000 corpus interactions (${EPISODES} episodes, ~120 MB): open + first loadEpisode ${(t1 - t0).toFixed(1)} ms`);
  await store.close();
});
