// A SQLite store indexes an interaction's search words after its COMMIT, not in the recording's
// transaction (src/store/sqlite-search-backlog.ts, issue 20). What must hold: a search right after
// recording finds everything, also from a read-only reader and after a SIGKILL; a second process's
// rows are indexed too; a removed take's reused row ids are indexed again; a store of the schema
// before migrates with nothing indexed twice; an idle proxy indexes the backlog by itself.
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { IDLE_BATCH, IDLE_MS, prepareSearchBacklog } from '../../src/store/sqlite-search-backlog.js';
import { backlogBatchesOffThread, storesOnRowThread } from '../../src/store/sqlite-row-thread.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite-migrations.js';
import type { Store } from '../../src/store/store.js';
import type { Interaction } from '../../src/types.js';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { assertFreshBuild, finished, printed, startChild, writeScript } from './child-process.js';
import { tempDir, tinyInteraction } from './fixtures.js';

useCleanup();

const open: Store[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
async function opened(path: string, readonly = false): Promise<Store> {
  const s = await openStore(path, { readonly });
  open.push(s);
  return s;
}

/** An interaction whose last prompt is `prompt` (what the search reads, with the answer). */
function asked(episode: string, position: number, prompt: string): Interaction {
  const i = tinyInteraction(episode, position, prompt.replace(/\W/g, ''));
  return {
    ...i,
    request: { ...i.request, body: { kind: 'json', json: { model: 'gpt-4o', messages: [{ role: 'user', content: prompt }] } } },
  };
}

async function record(store: Store, episode: string, prompts: readonly string[]): Promise<void> {
  const writer = await store.beginTake(episode, 'live');
  const results = await store.appendGroup(prompts.map((p) => ({ writer, interaction: asked(episode, writer.nextPosition(), p) })));
  expect(results.every((r) => r === undefined)).toBe(true);
}

const found = async (store: Store, q: string): Promise<string[]> =>
  (await store.summarizeEpisodes({ q, sort: 'episode' })).items.map((s) => s.episode);

/** What the file itself holds, read by a connection of its own: indexed word rows and the watermark. */
function fileState(path: string): { wordRows: number; indexedUpto: number; newest: number } {
  const db = new Database(path, { readonly: true });
  try {
    return {
      wordRows: (db.prepare(`SELECT COUNT(*) FROM take_words`).pluck().get() as number) ?? 0,
      indexedUpto: db.prepare(`SELECT indexed_upto FROM search_backlog`).pluck().get() as number,
      newest: (db.prepare(`SELECT MAX(id) FROM interactions`).pluck().get() as number | null) ?? 0,
    };
  } finally {
    db.close();
  }
}

describe('SQLite search words indexed after the commit', () => {
  it('commits rows without their words, and a search right after recording indexes them first', async () => {
    const path = tempStore();
    const store = await opened(path);
    await record(store, 'alpha', ['where is the zanzibar ferry', 'book a table']);
    await record(store, 'beta', ['refund my ticket']);
    // Recorded: three rows, no word rows yet (the old store wrote one per row in the append's transaction).
    expect(fileState(path)).toEqual({ wordRows: 0, indexedUpto: 0, newest: 3 });
    expect(await found(store, 'zanzibar')).toEqual(['alpha']);
    expect(await found(store, 'refun* ticket')).toEqual(['beta']);
    expect(fileState(path)).toEqual({ wordRows: 3, indexedUpto: 3, newest: 3 });
  });

  it('a read-only reader finds rows not indexed yet without writing the file, and sees later ones too', async () => {
    const path = tempStore();
    const store = await opened(path);
    await record(store, 'alpha', ['zanzibar ferry']);
    const reader = await opened(path, true);
    expect(await found(reader, 'zanzibar')).toEqual(['alpha']);
    expect(await found(reader, 'ferry')).toEqual(['alpha']);
    await record(store, 'beta', ['quokka island']);
    expect(await found(reader, 'quokka')).toEqual(['beta']);
    expect(await found(reader, 'nothing')).toEqual([]);
    expect(fileState(path).wordRows).toBe(0);
    // The writer indexes them meanwhile (close): the reader finds each episode once.
    await store.close();
    expect(fileState(path)).toEqual({ wordRows: 2, indexedUpto: 2, newest: 2 });
    expect(await found(reader, 'zanzibar quokka')).toEqual([]);
    expect(await found(reader, 'island')).toEqual(['beta']);
  });

  it('close() leaves every row indexed, with another process recording into the same file', async () => {
    const path = tempStore();
    const one = await openStore(path);
    const two = await openStore(path);
    await record(one, 'one', ['walrus']);
    await record(two, 'two', ['narwhal']);
    await record(one, 'one-more', ['walrus again']);
    await two.close();
    // The second process's close indexed the first's rows too (the backlog is the store's, not a process's).
    expect(fileState(path)).toEqual({ wordRows: 3, indexedUpto: 3, newest: 3 });
    await record(one, 'three', ['beluga']);
    await one.close();
    const reader = await opened(path, true);
    expect(await found(reader, 'walrus')).toEqual(['one', 'one-more']);
    expect(await found(reader, 'narwhal')).toEqual(['two']);
    expect(await found(reader, 'beluga')).toEqual(['three']);
  });

  it('a row id SQLite hands out again after a removal is indexed again', async () => {
    const path = tempStore();
    const store = await opened(path);
    await record(store, 'gone', ['first words', 'second words']);
    expect(await found(store, 'words')).toEqual(['gone']);
    expect(await store.removeEpisodes(['gone'])).toBe(2);
    // The next rows get ids 1 and 2 again (no AUTOINCREMENT): the watermark went back with the removal.
    expect(fileState(path)).toEqual({ wordRows: 0, indexedUpto: 0, newest: 0 });
    await record(store, 'back', ['pelican', 'heron']);
    expect(await found(store, 'heron')).toEqual(['back']);
    expect(await found(store, 'words')).toEqual([]);
  });

  it('an idle recording store indexes its backlog by itself', async () => {
    const path = tempStore();
    const store = await opened(path);
    await record(
      store,
      'many',
      Array.from({ length: 250 }, (_, k) => `prompt number ${k} about otters`),
    );
    expect(fileState(path).wordRows).toBe(0);
    const deadline = Date.now() + IDLE_MS + 10_000;
    while (fileState(path).indexedUpto < 250 && Date.now() < deadline) await sleep(100);
    expect(fileState(path)).toEqual({ wordRows: 250, indexedUpto: 250, newest: 250 });
  });

  it('an idle file store indexes a row holding a huge answer on the row thread, not on the event loop', async () => {
    assertFreshBuild(); // the row thread runs dist/
    const answer = 'zebra crossing '.repeat(600_000); // 9 MB: SQLite reads it back for hundreds of milliseconds
    const recordHuge = async (store: Store): Promise<void> => {
      const writer = await store.beginTake('huge', 'live');
      const i = asked('huge', writer.nextPosition(), 'tell me about zebras');
      const huge = {
        ...i,
        response: { ...i.response, body: { kind: 'text' as const, text: answer } },
        assembled: { text: answer, toolCalls: [] },
      };
      expect(await store.appendGroup([{ writer, interaction: huge }])).toEqual([undefined]);
    };
    // What indexing that row costs the thread that does it, measured here, on the event loop.
    const control = tempStore();
    await recordHuge(await opened(control));
    const db = new Database(control);
    const started = performance.now();
    expect(prepareSearchBacklog(db).indexSome(IDLE_BATCH)).toBe(1);
    const onLoopMs = performance.now() - started;
    db.close();

    const path = tempStore();
    const store = await opened(path);
    const batches = backlogBatchesOffThread();
    await recordHuge(store);
    let longest = 0;
    let last = performance.now();
    const tick = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
    }, 2);
    try {
      while (fileState(path).indexedUpto < 1) await sleep(20);
    } finally {
      clearInterval(tick);
    }
    expect(backlogBatchesOffThread()).toBeGreaterThan(batches);
    expect(longest, `the event loop paused ${Math.round(longest)} ms; indexing on it takes ${Math.round(onLoopMs)} ms`).toBeLessThan(
      onLoopMs / 2,
    );
    // Done, the row thread lets go of the store (and stops when idle) instead of holding it open.
    for (let waited = 0; storesOnRowThread() > 0 && waited < 5_000; waited += 50) await sleep(50);
    expect(storesOnRowThread()).toBe(0);
    expect(await found(store, 'zebra')).toEqual(['huge']);
  });

  it('a store of the schema before (words written with each row) migrates with nothing indexed twice', async () => {
    const path = tempStore();
    const store = await openStore(path);
    await record(store, 'old', ['albatross', 'cormorant']);
    await store.close();
    // Back to schema 5: what an older llm-cassette left, every row's words indexed.
    const db = new Database(path);
    db.exec(`DROP TRIGGER search_backlog_gone; DROP TABLE search_backlog;`);
    db.pragma('user_version = 5');
    db.close();
    const migrated = await opened(path);
    expect(fileState(path)).toEqual({ wordRows: 2, indexedUpto: 2, newest: 2 });
    await record(migrated, 'new', ['albatross']);
    expect(await found(migrated, 'albatross')).toEqual(['new', 'old']);
    expect(fileState(path)).toEqual({ wordRows: 3, indexedUpto: 3, newest: 3 });
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
    check.close();
  });

  it('after a SIGKILL mid-backlog, every acknowledged row is found (read-only, then by the next writer)', async () => {
    assertFreshBuild();
    const dir = tempDir();
    try {
      const path = `${dir.path}/cassettes.db`;
      const script = writeScript(
        dir.path,
        'record.mjs',
        `const store = await openStore(process.argv[2]);
const writer = await store.beginTake('killed', 'live');
for (let position = 1; position <= 40; position++) {
  const i = interaction('killed', 'kill', position, position);
  i.request.body = { kind: 'json', json: { model: 'gpt-4o', messages: [{ role: 'user', content: 'kiwi number w' + position }] } };
  const [err] = await store.appendGroup([{ writer, interaction: i }]);
  if (err) throw err;
}
process.stdout.write('acked 40\\n');
setInterval(() => {}, 1000);
`,
      );
      const child = startChild(script, [path]);
      const done = finished(child);
      await printed(child, 'acked 40');
      child.kill('SIGKILL');
      expect((await done).signal).toBe('SIGKILL');
      expect(fileState(path).newest).toBe(40);
      expect(fileState(path).indexedUpto).toBeLessThan(40);
      const reader = await opened(path, true);
      expect(await found(reader, 'w1 w17 w40 kiwi')).toEqual(['killed']);
      const writer = await opened(path);
      expect(await found(writer, 'w40')).toEqual(['killed']);
      expect(fileState(path)).toEqual({ wordRows: 40, indexedUpto: 40, newest: 40 });
    } finally {
      dir.remove();
    }
  });
});
