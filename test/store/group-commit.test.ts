// Group commit (docs/store-format.md): appends that finish in one event-loop turn share one
// transaction, and what the recorder reports recorded is exactly what the store holds, also when
// an error in the middle of a group makes SQLite roll the whole transaction back by itself.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { Recorder } from '../../src/modes/recorder.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { corpusInteraction } from '../helpers/corpus.js';

useCleanup();

/** Appends `n` interactions in one turn of the event loop (one group); settles them all. */
async function recordGroup(path: string, n: number): Promise<Recorder> {
  const store = openSqliteStore(path);
  const recorder = new Recorder(store, 'live', silentLogger, 'forward');
  const appends = Array.from({ length: n }, async () => {
    const slot = await recorder.reserve('e', 'k');
    await slot.take();
    return recorder.append({ ...corpusInteraction('openai/chat-completions-basic.json'), episode: 'e', position: slot.position });
  });
  await Promise.all(appends);
  await recorder.close();
  await store.close();
  return recorder;
}

const rows = (path: string): number => {
  const db = new Database(path, { readonly: true });
  const { n } = db.prepare('SELECT COUNT(*) AS n FROM interactions').get() as { n: number };
  db.close();
  return n;
};

describe('group commit', () => {
  it('stores every interaction of a group', async () => {
    const path = tempStore();
    const recorder = await recordGroup(path, 5);
    expect([recorder.recorded, recorder.failed, rows(path)]).toEqual([5, 0, 5]);
  });

  it('reports a group whose transaction an error rolled back as not recorded, and stores none of it', async () => {
    const path = tempStore();
    openSqliteStore(path).close(); // create the schema
    const db = new Database(path);
    // RAISE(ROLLBACK) ends the whole transaction, as SQLITE_FULL or an I/O error may.
    db.exec(`CREATE TRIGGER full BEFORE INSERT ON interactions WHEN NEW.position = 2 BEGIN SELECT RAISE(ROLLBACK, 'disk full'); END`);
    db.close();
    const recorder = await recordGroup(path, 4);
    expect(rows(path)).toBe(recorder.recorded);
    expect([recorder.recorded, recorder.failed]).toEqual([0, 4]);
  });
});
