import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCanonicalBody } from '../../src/match/canonical-body.js';
import { RequestMatcher } from '../../src/match/request-matcher.js';
import { Replayer } from '../../src/modes/replayer.js';
import { createRedactor } from '../../src/safety/create-redactor.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Interaction } from '../../src/types.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const matcher = new RequestMatcher([], createRedactor([]), () => createCanonicalBody({ ignore: [], normalize: [] }));

function interaction(episode: string, position: number, prompt: string): Interaction {
  const request = {
    method: 'POST',
    path: '/v1/chat/completions',
    query: [],
    headers: {},
    body: { kind: 'json' as const, json: { prompt } },
  };
  return {
    episode,
    take: 1,
    position,
    provider: 'openai',
    family: 'openai',
    key: matcher.keyOf('openai', request),
    keyVersion: 2,
    occurrence: 1,
    request,
    response: { status: 200, headers: { 'content-type': 'application/json' }, body: { kind: 'json', json: { answer: prompt } } },
    complete: true,
    timings: { ttfbMs: 1, totalMs: 2 },
    recordedAt: '2026-11-21T00:00:00.000Z',
    productVersion: 'test',
  };
}

describe('Replayer', () => {
  it('keeps occurrences and unused recordings of episodes it had to drop from memory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replayer-'));
    dirs.push(dir);
    const store = openSqliteStore(join(dir, 'c.db'));
    // 30 episodes of 1,000 recordings: more than the replayer keeps loaded at once.
    for (let e = 0; e < 30; e++) {
      const w = store.beginTake(`ep${e}`, 'live');
      for (let p = 1; p <= 1000; p++) w.append(interaction(`ep${e}`, w.nextPosition(), p === 2 ? 'same' : p === 3 ? 'same' : `q${p}`));
      w.close();
    }
    const replayer = new Replayer(store, matcher, true);
    const same = interaction('ep0', 0, 'same').key;
    expect(replayer.find('ep0', same)).toMatchObject({ kind: 'hit', occurrence: 1, interaction: { position: 2 } });
    for (let e = 1; e < 30; e++) replayer.find(`ep${e}`, interaction('x', 0, 'q1').key);
    // ep0 was dropped and is read again: the second identical call still gets the second recording.
    expect(replayer.find('ep0', same)).toMatchObject({ kind: 'hit', occurrence: 2, interaction: { position: 3 } });
    expect(replayer.find('ep0', same)).toMatchObject({ kind: 'miss', exhausted: 2 });
    const unused = replayer.unused().find((u) => u.episode === 'ep0');
    expect(unused?.interactions).toHaveLength(998);
    store.close();
  });
});
