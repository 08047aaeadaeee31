// The SQLite writer thread (issue 20, src/store/sqlite-row-thread.ts): a group commit written on
// the thread stores exactly what the event loop's group commit stores, row for row: the rows and
// their JSON, each take's summary, and the search words. The same recording is made once with the
// thread forced on and once forced off, and the three tables are compared as stored.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { Recorder } from '../../src/modes/recorder.js';
import { chooseWriterThread, groupsWrittenOffThread } from '../../src/store/sqlite-row-thread.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { corpusIndex } from '../helpers/corpus.js';
import { assertFreshBuild } from './child-process.js';
import { storedCorpusInteraction } from './fixtures.js';

useCleanup();
afterEach(() => chooseWriterThread(undefined));

/** Records every corpus interaction, in groups of a turn each, over two episodes (a take each). */
async function record(choice: 'on' | 'off'): Promise<string> {
  chooseWriterThread(choice);
  const path = tempStore();
  const store = openSqliteStore(path);
  const recorder = new Recorder(store, 'live', silentLogger, 'fail');
  const entries = corpusIndex();
  for (let at = 0; at < entries.length; at += 8) {
    // One group: the appends of one turn of the event loop.
    await Promise.all(
      entries.slice(at, at + 8).map(async (entry, k) => {
        const episode = (at + k) % 2 === 0 ? 'even' : 'odd';
        const slot = await recorder.reserve(episode, entry.file);
        await slot.take();
        return recorder.append({
          ...storedCorpusInteraction(entry, episode, 0, slot.position),
          occurrence: slot.occurrence,
          costUsd: 0.001 * slot.position,
        });
      }),
    );
  }
  await recorder.close();
  await store.close();
  expect([recorder.recorded, recorder.failed]).toEqual([entries.length, 0]);
  return path;
}

function tables(path: string): { interactions: unknown[]; summaries: unknown[]; words: unknown[] } {
  const db = new Database(path, { readonly: true });
  try {
    return {
      interactions: db.prepare(`SELECT * FROM interactions ORDER BY take_id, position`).all(),
      summaries: db.prepare(`SELECT * FROM take_summaries ORDER BY take_id`).all(),
      words: db.prepare(`SELECT rowid, words FROM take_words ORDER BY rowid`).all(),
    };
  } finally {
    db.close();
  }
}

describe('the SQLite writer thread', () => {
  it.skipIf(corpusIndex().length === 0)('stores rows, take summaries and search words exactly as the event loop does', async () => {
    assertFreshBuild();
    const before = groupsWrittenOffThread();
    const onThread = tables(await record('on'));
    expect(groupsWrittenOffThread()).toBeGreaterThan(before);
    const between = groupsWrittenOffThread();
    const onLoop = tables(await record('off'));
    expect(groupsWrittenOffThread()).toBe(between);
    expect(onThread.interactions).toHaveLength(corpusIndex().length);
    expect(onThread.summaries).toHaveLength(2);
    expect(onThread.words.length).toBeGreaterThan(0);
    expect(onThread).toEqual(onLoop);
  });
});
