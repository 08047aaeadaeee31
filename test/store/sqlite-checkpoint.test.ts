// WAL checkpoints of a recording SQLite store run on a thread of their own (src/store/sqlite-checkpointer.ts):
// the WAL stays bounded while a proxy records, and a SIGKILL in the middle of checkpoints loses no
// acknowledged row (the promise of docs/store-format.md).
import { statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_BYTES } from '../../src/store/sqlite-checkpointer.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Interaction } from '../../src/types.js';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { assertFreshBuild, finished, printed, startChild, writeScript } from './child-process.js';
import { tempDir, tinyInteraction } from './fixtures.js';

useCleanup();

/** An interaction whose row is about `kib` KiB (a streamed answer's size in the bench is 15). */
function bulky(position: number, kib: number): Interaction {
  const i = tinyInteraction('e', position, 'bulk');
  return { ...i, response: { ...i.response, body: { kind: 'text', text: `${position}:`.padEnd(kib * 1024, 'x') } } };
}

const walBytes = (path: string): number => {
  try {
    return statSync(`${path}-wal`).size;
  } catch {
    return 0;
  }
};

describe('SQLite checkpoints while recording', () => {
  it('keep the WAL bounded: the thread checkpoints and empties it while commits go on', async () => {
    const path = tempStore();
    const store = openSqliteStore(path);
    const writer = await store.beginTake('e', 'live');
    let largestWal = 0;
    let emptied = 0;
    // 25 MiB of rows in groups of 4, a turn of the event loop (and a moment for the thread) between groups.
    for (let position = 1; position <= 1600; position += 4) {
      const group = [0, 1, 2, 3].map((k) => ({ writer, interaction: bulky(position + k, 16) }));
      const before = walBytes(path);
      expect(await store.appendGroup(group)).toEqual([undefined, undefined, undefined, undefined]);
      const after = walBytes(path);
      if (after < before) emptied++;
      largestWal = Math.max(largestWal, after);
      await sleep(1);
    }
    // Without checkpoints the WAL would hold all 25 MiB and more (the committing connection's
    // automatic one is off); with PASSIVE ones alone it would never start over.
    expect(largestWal).toBeGreaterThan(0);
    expect(largestWal).toBeLessThan(4 * CHECKPOINT_BYTES);
    expect(emptied).toBeGreaterThanOrEqual(2);
    await writer.finish();
    await store.close();
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM interactions').get()).toEqual({ n: 1600 });
    db.close();
  });

  it('lose no acknowledged row when the process is killed while checkpoints run', async () => {
    assertFreshBuild();
    const dir = tempDir();
    try {
      const path = `${dir.path}/cassettes.db`;
      const script = writeScript(
        dir.path,
        'record.mjs',
        `const store = await openStore(process.argv[2]);
const writer = await store.beginTake('e', 'live');
for (let position = 1; ; position++) {
  const i = interaction('e', 'kill', position, position);
  i.response.body = { kind: 'text', text: String(position).padEnd(8192, 'x') };
  const [err] = await store.appendGroup([{ writer, interaction: i }]);
  if (err) throw err;
  // Acknowledged: the parent counts what it saw printed.
  process.stdout.write('acked ' + position + '\\n');
  await new Promise((r) => setImmediate(r));
}
`,
      );
      const child = startChild(script, [path]);
      const done = finished(child);
      // 2,000 rows of 8 KiB: 16 MiB, several checkpoints, before the kill.
      await printed(child, 'acked 2000\n');
      child.kill('SIGKILL');
      const { stdout, signal } = await done;
      expect(signal).toBe('SIGKILL');
      const acked = Math.max(...[...stdout.matchAll(/acked (\d+)/g)].map((m) => Number(m[1])));
      const db = new Database(path, { readonly: true });
      const { n, max } = db.prepare('SELECT COUNT(*) AS n, MAX(position) AS max FROM interactions').get() as { n: number; max: number };
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
      expect(n).toBeGreaterThanOrEqual(acked);
      expect(max).toBe(n);
    } finally {
      dir.remove();
    }
  }, 60_000);
});
