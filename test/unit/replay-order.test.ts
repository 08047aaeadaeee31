import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCanonicalBody } from '../../src/match/canonical-body.js';
import { RequestMatcher } from '../../src/match/request-matcher.js';
import { Replayer } from '../../src/modes/replayer.js';
import { createRedactor } from '../../src/safety/create-redactor.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import type { Interaction } from '../../src/types.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const matcher = new RequestMatcher([], createRedactor([]), () => createCanonicalBody({ ignore: [], normalize: [] }));

function interaction(position: number, prompt: string): Interaction {
  const request = {
    method: 'POST',
    path: '/v1/chat/completions',
    query: [],
    headers: {},
    body: { kind: 'json' as const, json: { prompt } },
  };
  const keyRules = matcher.rulesFingerprint('openai');
  return {
    episode: 'e',
    take: 1,
    position,
    provider: 'openai',
    family: 'openai',
    key: matcher.keyOf('openai', request),
    keyVersion: 2,
    ...(keyRules === undefined ? {} : { keyRules }),
    occurrence: 1,
    request,
    response: { status: 200, headers: { 'content-type': 'application/json' }, body: { kind: 'json', json: { answer: prompt } } },
    complete: true,
    timings: { ttfbMs: 1, totalMs: 2 },
    recordedAt: '2026-12-04T00:00:00.000Z',
    productVersion: 'test',
  };
}
const keyOf = (prompt: string): string => interaction(0, prompt).key;

/** A SQLite store with one episode "e" of `n` recordings, prompts p1..pn in order. */
async function storeOf(n: number): Promise<{ store: Store; path: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'replay-order-'));
  dirs.push(dir);
  const path = join(dir, 'c.db');
  const store = openSqliteStore(path);
  stores.push(store);
  const w = await store.beginTake('e', 'live');
  for (let i = 1; i <= n; i++) await w.append(interaction(w.nextPosition(), `p${i}`));
  await w.finish();
  return { store, path };
}

/** Serves p1..pn in order: each a hit at its own position. */
function replayInOrder(replayer: Replayer, n: number): void {
  for (let i = 1; i <= n; i++) expect(replayer.find('e', keyOf(`p${i}`))).toMatchObject({ kind: 'hit', position: i });
}

describe('the order of an episode replayed', () => {
  it('finds the first call out of recorded order after a run in order, and names what was expected', async () => {
    const { store } = await storeOf(6);
    const replayer = new Replayer(store, matcher, false);
    await replayer.load('e');
    replayInOrder(replayer, 3);
    expect(replayer.divergences()).toEqual([]);
    // p4 skipped: the fourth call diverges, and the report names p4.
    replayer.find('e', keyOf('p5'));
    replayer.find('e', keyOf('p4'));
    expect(replayer.divergences()).toHaveLength(1);
    expect(replayer.divergences()[0]?.message).toMatch(
      /^step 4: expected a call to openai POST \S+ \(recorded step 4\); got openai POST \S+ \(recorded step 5\)$/,
    );
    expect(replayer.unused()[0]?.recordings.map((r) => r.position)).toEqual([6]);
  });

  it('starts over after a reset: the same calls in order again do not diverge', async () => {
    const { store } = await storeOf(5);
    const replayer = new Replayer(store, matcher, true);
    await replayer.load('e');
    replayInOrder(replayer, 5);
    replayer.reset('e');
    replayInOrder(replayer, 2);
    replayer.find('e', keyOf('p4'));
    expect(replayer.divergences()[0]?.message).toMatch(/^step 3: expected a call to .* \(recorded step 3\); got .* \(recorded step 4\)$/);
  });
});
