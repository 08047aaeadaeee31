// The recorder keeps at most `openTakes` takes open (issue 13 item 9): a live or record-missing
// proxy serving many episode ids finishes the least recently used idle ones. An episode that comes
// back after its writer was closed goes on in the same take: live takes up its own take again,
// record-missing continues the newest one. Real SQLite and directory stores.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { OPEN_TAKES, Recorder } from '../../src/modes/recorder.js';
import { openStore } from '../../src/store/open-store.js';
import { collect, type Store } from '../../src/store/store.js';
import type { Mode } from '../../src/types.js';
import { defer, tempDir, useCleanup } from '../helpers/cleanup.js';
import { tinyInteraction } from '../store/fixtures.js';

useCleanup();

/** Records one call of `episode` as the pipeline does: reserve, then append. */
async function record(recorder: Recorder, episode: string, key = 'k'): Promise<void> {
  const slot = await recorder.reserve(episode, key);
  const take = await slot.take();
  await recorder.append({ ...tinyInteraction(episode, slot.position, key), key, take, occurrence: slot.occurrence });
}

async function open(name: string): Promise<Store> {
  const store = await openStore(join(tempDir('cassette-recorder-'), name));
  defer(() => store.close());
  return store;
}

describe.each([
  ['sqlite', 'store.db'],
  ['directory', 'store-dir'],
])('open takes of a recorder on the %s store', (_kind, name) => {
  it.each<[Mode, boolean]>([
    ['live', false],
    ['record-missing', true],
  ])('%s: closes idle takes past the limit; an episode that comes back goes on in its own take', async (mode, continues) => {
    const store = await open(name);
    const recorder = new Recorder(store, mode, silentLogger, 'fail', { continues, openTakes: 2 });
    await record(recorder, 'a');
    await record(recorder, 'b');
    await record(recorder, 'c'); // a is the least recently used: closed
    expect(recorder.memory.openTakes).toBe(2);
    await record(recorder, 'a', 'again'); // comes back: the same take, not take 2
    await record(recorder, 'd');
    await record(recorder, 'a', 'k');
    expect(recorder.memory.openTakes).toBe(2);
    await recorder.close();
    const takes = await store.listTakes('a');
    expect(takes.map((t) => [t.take, t.interactions])).toEqual([[1, 3]]);
    const a = await collect(store.interactions({ episodes: ['a'] }));
    expect(a.map((i) => [i.position, i.key])).toEqual([
      [1, 'k'],
      [2, 'again'],
      [3, 'k'],
    ]);
    for (const e of ['b', 'c', 'd']) expect((await store.listTakes(e)).map((t) => [t.take, t.interactions])).toEqual([[1, 1]]);
  });

  it('live: 60 episode ids through 8 open takes, concurrently: each id one take with all of its calls', async () => {
    const store = await open(name);
    const recorder = new Recorder(store, 'live', silentLogger, 'fail', { openTakes: 8 });
    const ids = Array.from({ length: 60 }, (_, n) => `e${n}`);
    let peak = 0;
    for (let round = 0; round < 3; round++) {
      await Promise.all(ids.map((id) => record(recorder, id, `r${round}`)));
      peak = Math.max(peak, recorder.memory.openTakes);
    }
    expect(peak).toBeLessThanOrEqual(8 + 60); // never more than the limit plus what one burst has under way
    expect(recorder.memory.openTakes).toBeLessThanOrEqual(8);
    await recorder.close();
    for (const id of ids) expect((await store.listTakes(id)).map((t) => [t.take, t.interactions])).toEqual([[1, 3]]);
  });
});

it('keeps 1,000 takes open by default', () => {
  expect(OPEN_TAKES).toBe(1_000);
});
