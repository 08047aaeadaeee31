// A finished take never changes: its writer refuses further appends on every backend with a writer
// of its own (take_finished); record-missing continues the newest take only through a new writer.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CassetteError } from '../../src/errors.js';
import { openStore } from '../../src/store/open-store.js';
import { collect } from '../../src/store/store.js';
import { defer, tempDir, useCleanup } from '../helpers/cleanup.js';
import { tinyInteraction } from '../store/fixtures.js';

useCleanup();

describe.each([
  ['sqlite', 'store.db'],
  ['directory', 'store-dir'],
])('immutable takes on the %s store', (_kind, name) => {
  it('refuses an append to a finished take with take_finished; a continuation appends through a new writer', async () => {
    const store = await openStore(join(tempDir('cassette-immutable-'), name));
    defer(() => store.close());
    const writer = await store.beginTake('ep', 'live');
    await writer.append(tinyInteraction('ep', writer.nextPosition()));
    await writer.finish();
    const err = await writer.append(tinyInteraction('ep', writer.nextPosition())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CassetteError);
    expect((err as CassetteError).code).toBe('take_finished');

    const more = await store.continueTake('ep', 'record-missing');
    await more.append(tinyInteraction('ep', more.nextPosition()));
    await more.finish();
    const all = await collect(store.interactions({ episodes: ['ep'] }));
    expect(all.map((i) => [i.take, i.position])).toEqual([
      [1, 1],
      [1, 2],
    ]);
  });
});
