import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createCanonicalBody } from '../../src/match/canonical-body.js';
import { RequestMatcher } from '../../src/match/request-matcher.js';
import { Replayer } from '../../src/modes/replayer.js';
import type { ReplayerLimits } from '../../src/modes/replayer.js';
import { createRedactor } from '../../src/safety/create-redactor.js';
import { openDirectoryStore } from '../../src/store/directory-store.js';
import { SQLITE_MIGRATIONS } from '../../src/store/sqlite-migrations.js';
import { openSqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import type { Interaction } from '../../src/types.js';
import { corpus } from '../helpers/corpus.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { openaiClient } from '../helpers/sdk.js';

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

const matcherWith = (ignore: string[]): RequestMatcher =>
  new RequestMatcher([], createRedactor([]), () => createCanonicalBody({ ignore, normalize: [] }));
const matcher = matcherWith([]);

function tempPath(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'replayer-'));
  dirs.push(dir);
  return join(dir, name);
}

function open(path: string, options: { readonly?: boolean } = {}): Store {
  const store = path.endsWith('.db') ? openSqliteStore(path, options) : openDirectoryStore(path, options);
  stores.push(store);
  return store;
}

/** An interaction as the recorder stores it under `m`'s rules (key and its fingerprint). */
function interaction(episode: string, position: number, prompt: string, m: RequestMatcher = matcher, user = 'u1'): Interaction {
  const request = {
    method: 'POST',
    path: '/v1/chat/completions',
    query: [],
    headers: {},
    body: { kind: 'json' as const, json: { prompt, user } },
  };
  const keyRules = m.rulesFingerprint('openai');
  return {
    episode,
    take: 1,
    position,
    provider: 'openai',
    family: 'openai',
    key: m.keyOf('openai', request),
    keyVersion: 2,
    ...(keyRules === undefined ? {} : { keyRules }),
    occurrence: 1,
    request,
    response: { status: 200, headers: { 'content-type': 'application/json' }, body: { kind: 'json', json: { answer: prompt } } },
    complete: true,
    timings: { ttfbMs: 1, totalMs: 2 },
    usage: { inputTokens: prompt.length, outputTokens: 1 },
    recordedAt: '2026-11-21T00:00:00.000Z',
    productVersion: 'test',
  };
}

async function record(store: Store, episode: string, list: Interaction[]): Promise<void> {
  const w = await store.beginTake(episode, 'live');
  for (const i of list) await w.append({ ...i, position: w.nextPosition() });
  await w.finish();
}

const threePrompts = (): Interaction[] => ['a', 'b', 'c'].map((p) => interaction('e', 0, p));
const keyOf = (prompt: string, m: RequestMatcher = matcher, user = 'u1'): string => interaction('x', 0, prompt, m, user).key;
const bodyOf = (found: Awaited<ReturnType<Replayer['find']>>): unknown =>
  found.kind === 'hit' ? JSON.parse(found.prepared.body?.toString('utf8') ?? 'null') : undefined;

/** Rewrites stored rows behind the store's back (another connection to the same file). */
function tamper(path: string, sql: string, ...params: unknown[]): void {
  const db = new Database(path);
  db.prepare(sql).run(...params);
  db.close();
}

describe('Replayer', () => {
  it('keeps occurrences and unused recordings of episodes it had to drop from memory', async () => {
    const path = tempPath('c.db');
    const store = open(path);
    // 30 episodes of 100 recordings: more than the replayer may keep indexed at once.
    for (let e = 0; e < 30; e++) {
      await record(
        store,
        `ep${e}`,
        Array.from({ length: 100 }, (_, n) => interaction(`ep${e}`, 0, n === 1 || n === 2 ? 'same' : `q${n + 1}`)),
      );
    }
    const replayer = new Replayer(store, matcher, true, { indexedRecordings: 1_000 });
    const same = keyOf('same');
    expect(await replayer.find('ep0', same)).toMatchObject({ kind: 'hit', occurrence: 1, position: 2 });
    for (let e = 1; e < 30; e++) await replayer.find(`ep${e}`, keyOf('q1'));
    // ep0 was dropped and is read again: the second identical call still gets the second recording.
    expect(await replayer.find('ep0', same)).toMatchObject({ kind: 'hit', occurrence: 2, position: 3 });
    expect(await replayer.find('ep0', same)).toMatchObject({ kind: 'miss', exhausted: 2 });
    const unused = replayer.unused().find((u) => u.episode === 'ep0');
    expect(unused?.recordings).toHaveLength(98);
    expect(unused?.recordings[0]).toMatchObject({ position: 1, provider: 'openai', method: 'POST', path: '/v1/chat/completions' });
  });

  it('uses a stored key as it is when it was computed under the current rules', async () => {
    const store = open(tempPath('c.db'));
    // A key no request hashes to: only a replayer that trusts the stored key can find it.
    await record(store, 'e', [{ ...interaction('e', 0, 'a'), key: 'stored-key' }, interaction('e', 0, 'b')]);
    const replayer = new Replayer(store, matcher, false);
    expect(await replayer.find('e', 'stored-key')).toMatchObject({ kind: 'hit', position: 1 });
    expect(await replayer.find('e', keyOf('a'))).toEqual({ kind: 'miss' });
    expect(await replayer.find('e', keyOf('b'))).toMatchObject({ kind: 'hit', position: 2, usage: { inputTokens: 1, outputTokens: 1 } });
  });

  it('recomputes the keys of recordings made under other match rules', async () => {
    const store = open(tempPath('c.db'));
    const before = matcherWith([]);
    const after = matcherWith(['user']);
    expect(after.rulesFingerprint('openai')).not.toBe(before.rulesFingerprint('openai'));
    await record(store, 'e', [{ ...interaction('e', 0, 'a', before, 'alice'), key: 'stale-key' }]);
    const replayer = new Replayer(store, after, false);
    // `user` is ignored now: another user's identical prompt matches the recording.
    expect(await replayer.find('e', keyOf('a', after, 'bob'))).toMatchObject({ kind: 'hit', position: 1 });
    expect(await replayer.find('e', 'stale-key')).toEqual({ kind: 'miss' });
  });

  it('recomputes the keys of a store written before keys carried their rules (schema 1)', async () => {
    const path = tempPath('old.db');
    const db = new Database(path);
    db.exec(SQLITE_MIGRATIONS[0] as string);
    db.pragma('user_version = 1');
    db.prepare(`INSERT INTO takes (id, episode, take, mode, created_at) VALUES (1, 'e', 1, 'live', '2025-01-01T00:00:00.000Z')`).run();
    const insert = db.prepare(
      `INSERT INTO interactions (take_id, position, provider, method, path, key, key_version, occurrence, status, complete, total_ms, recorded_at, data)
       VALUES (1, ?, 'openai', 'POST', '/v1/chat/completions', 'key-of-version-1', 1, 1, 200, 1, 2, '2025-01-01T00:00:00.000Z', ?)`,
    );
    for (const [position, prompt] of [
      [1, 'a'],
      [2, 'b'],
    ] as const) {
      const { keyRules: _, ...old } = { ...interaction('e', position, prompt), key: 'key-of-version-1', keyVersion: 1 };
      insert.run(position, JSON.stringify(old));
    }
    db.close();

    // Golden opens it read-only (no migration): no key_rules column, every key recomputed.
    const golden = new Replayer(open(path, { readonly: true }), matcher, false);
    expect(await golden.find('e', keyOf('b'))).toMatchObject({ kind: 'hit', position: 2 });
    expect(await golden.find('e', 'key-of-version-1')).toEqual({ kind: 'miss' });
    for (const s of stores.splice(0)) await s.close();

    // A writer migrates it; the old rows' rules stay unknown, so their keys are still recomputed.
    const migrated = open(path);
    expect(new Database(path, { readonly: true }).pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
    expect(await new Replayer(migrated, matcher, false).find('e', keyOf('a'))).toMatchObject({ kind: 'hit', position: 1 });
  });

  it('indexes an episode without reading its answers, and reads each one when it is served', async () => {
    const path = tempPath('c.db');
    const store = open(path);
    await record(store, 'e', threePrompts());
    tamper(path, `UPDATE interactions SET data = 'not json' WHERE position = 3`);
    const replayer = new Replayer(store, matcher, false);
    expect(await replayer.recordingCount('e')).toBe(3);
    expect(bodyOf(await replayer.find('e', keyOf('a')))).toEqual({ answer: 'a' });
    // The episode is indexed: SQLite reads the answer synchronously, and the error comes at once.
    expect(() => replayer.find('e', keyOf('c'))).toThrow();
    // The unreadable one was not served.
    expect(replayer.unused()[0]?.recordings.map((r) => r.position)).toEqual([2, 3]);
  });

  it.each<[string, Partial<ReplayerLimits>, number, string]>([
    ['keeps served answers ready', {}, 3, 'a'],
    ['reads an answer again once more recent ones pushed it out of the cache', { answers: 2 }, 2, 'changed'],
    ['does not keep answers larger than the byte budget', { answerBytes: 100 }, 0, 'changed'],
  ])('%s', async (_name, limits, cached, expected) => {
    const path = tempPath('c.db');
    const store = open(path);
    await record(store, 'e', threePrompts());
    const replayer = new Replayer(store, matcher, false, limits);
    expect(bodyOf(await replayer.find('e', keyOf('a')))).toEqual({ answer: 'a' });
    tamper(path, `UPDATE interactions SET data = json_set(data, '$.response.body.json.answer', 'changed') WHERE position = 1`);
    await replayer.find('e', keyOf('b'));
    await replayer.find('e', keyOf('c'));
    expect(replayer.cachedAnswers.count).toBe(cached);
    expect(bodyOf(await replayer.find('e', keyOf('a')))).toEqual({ answer: expected });
  });

  it('serves recordings added this session (record-missing) before they are read back', async () => {
    const store = open(tempPath('c.db'));
    await record(store, 'e', [interaction('e', 0, 'a')]);
    const replayer = new Replayer(store, matcher, true);
    expect(await replayer.find('e', keyOf('b'))).toEqual({ kind: 'miss' });
    // Not in the store: the replayer holds it whole.
    await replayer.add('e', { ...interaction('e', 2, 'b'), take: 1 });
    expect(await replayer.recordingCount('e')).toBe(2);
    expect(await replayer.find('e', keyOf('b'))).toEqual({ kind: 'miss', exhausted: 1 });
    expect(bodyOf(await replayer.find('e', keyOf('a')))).toEqual({ answer: 'a' });
    expect(replayer.unused()).toEqual([{ episode: 'e', take: 1, recordings: [] }]);
  });

  it('holds recordings added this session up to its limit, never dropping one not yet committed', async () => {
    const store = open(tempPath('c.db'));
    const replayer = new Replayer(store, matcher, true, { addedInteractions: 1 });
    // Each episode is indexed (empty) first, as the proxy does before it records; each interaction
    // is appended for real, and the commits of "e1" and "e2" are reported late.
    const commits: (() => void)[] = [];
    const late = (): Promise<void> => new Promise<void>((resolve) => commits.push(resolve));
    for (const e of ['e1', 'e2', 'e3']) {
      await replayer.load(e);
      const w = await store.beginTake(e, 'live');
      const i = { ...interaction(e, w.nextPosition(), 'x'), take: 1 };
      await w.append(i);
      await replayer.add(e, i, e === 'e3' ? undefined : late());
    }
    // Over the limit, but e1 and e2 are not committed yet: only e3 could go.
    expect(replayer.tracked).toMatchObject({ addedInteractions: 2, episodeIndexes: 2 });
    commits[0]?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(replayer.tracked).toMatchObject({ addedInteractions: 1, episodeIndexes: 1 });
    // Read again from the store: the interaction recorded (and counted) once is exhausted (strict),
    // and served again from a fresh replayer.
    expect(await replayer.find('e1', keyOf('x'))).toEqual({ kind: 'miss', exhausted: 1 });
    expect(await replayer.find('e2', keyOf('x'))).toEqual({ kind: 'miss', exhausted: 1 });
    expect(await new Replayer(store, matcher, true).find('e1', keyOf('x'))).toMatchObject({ kind: 'hit', position: 1 });
  });

  it('keeps only per-key counts of episodes past its limit of states, and what they served comes back', async () => {
    const store = open(tempPath('c.db'));
    for (const e of ['e1', 'e2', 'e3'])
      await record(
        store,
        e,
        ['a', 'b', 'a'].map((p) => interaction(e, 0, p)),
      );
    const replayer = new Replayer(store, matcher, true, { episodeStates: 1, parkedKeys: 2 });
    expect(await replayer.find('e1', keyOf('a'))).toMatchObject({ kind: 'hit', position: 1 });
    expect(await replayer.find('e1', keyOf('a'))).toMatchObject({ kind: 'hit', position: 3 });
    // Out of order: recorded step 2 was expected.
    expect(replayer.divergences()).toHaveLength(1);
    expect(await replayer.find('e2', keyOf('b'))).toMatchObject({ kind: 'hit', position: 2 });
    expect(replayer.tracked).toMatchObject({ episodeStates: 1, parkedEpisodes: 1, parkedKeys: 1 });
    // e1 comes back: "a" was asked for twice (exhausted), "b" not yet; its divergence is kept.
    expect(await replayer.find('e1', keyOf('a'))).toEqual({ kind: 'miss', exhausted: 2 });
    expect(await replayer.find('e1', keyOf('b'))).toMatchObject({ kind: 'hit', position: 2 });
    expect(replayer.unused().find((u) => u.episode === 'e1')?.recordings).toEqual([]);
    expect(replayer.divergences().map((d) => d.episode)).toEqual(['e1', 'e2']);
    // Parked counts are bounded by keys: e2's one key, then e1's two push e2's out.
    expect(replayer.tracked).toMatchObject({ episodeStates: 1, parkedEpisodes: 1, parkedKeys: 1 });
    await replayer.find('e3', keyOf('a'));
    expect(replayer.tracked).toMatchObject({ episodeStates: 1, parkedEpisodes: 1, parkedKeys: 2 });
    // e2 was forgotten whole: it starts counting again at 1.
    expect(await replayer.find('e2', keyOf('b'))).toMatchObject({ kind: 'hit', occurrence: 1, position: 2 });
  });

  it('serves a directory store, held whole within its own limit', async () => {
    const store = open(tempPath('cassettes'));
    for (const e of ['e1', 'e2', 'e3'])
      await record(
        store,
        e,
        ['a', 'b'].map((p) => interaction(e, 0, `${e}-${p}`)),
      );
    const replayer = new Replayer(store, matcher, true, { heldInteractions: 4 });
    for (const e of ['e1', 'e2', 'e3']) expect(bodyOf(await replayer.find(e, keyOf(`${e}-b`)))).toEqual({ answer: `${e}-b` });
    expect(await replayer.find('e1', keyOf('e1-b'))).toEqual({ kind: 'miss', exhausted: 1 });
    expect(replayer.divergences().map((d) => d.episode)).toEqual(['e1', 'e2', 'e3']);
    expect(replayer.divergences()[0]?.message).toMatch(
      /^step 1: expected a call to openai POST \/v1\/chat\/completions.*\(recorded step 1\); got .*\(recorded step 2\)$/,
    );
    expect(replayer.unused().map((u) => u.recordings.map((r) => r.position))).toEqual([[1], [1], [1]]);
  });
});

describe('recording through the proxy', () => {
  it('stores the fingerprint of the key rules with every key, in the column and in the JSON', async () => {
    const path = tempPath('c.db');
    const upstream = await startFakeUpstream({ queue: [corpus('openai/chat-completions-basic.json')] });
    const live = await startProxy({ mode: 'live', store: path, upstream: [`openai=${upstream.url}`] });
    await openaiClient(live).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'What is 4200 + 42?' }] });
    await live.stop();
    await upstream.stop();
    const db = new Database(path, { readonly: true });
    const row = db.prepare(`SELECT key_rules, json_extract(data, '$.keyRules') AS data FROM interactions`).get() as Record<string, unknown>;
    db.close();
    expect(row.key_rules).toMatch(/^[0-9a-f]{16}$/);
    expect(row.data).toBe(row.key_rules);
  });
});
