// Moving data between stores: `cassette copy` (idempotent, resumable, never deletes, conflicts left
// alone) and `cassette import --as-new-take` (two runners' takes of one episode merge).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { collect } from '../../src/store/store.js';
import type { Interaction } from '../../src/types.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { freshDatabase } from '../helpers/postgres.js';
import { runCli, startProxy } from '../helpers/proxy.js';
import { call } from '../robustness/harness.js';
import { chatBody, startCountingUpstream } from './counting-upstream.js';

useCleanup();

const CHAT = '/openai/v1/chat/completions';

async function record(upstreamUrl: string, store: string, mode: string, episode: string, prompts: string[]): Promise<void> {
  const proxy = await startProxy({ mode, store, episode, upstream: [`openai=${upstreamUrl}`] });
  for (const p of prompts) expect((await call(proxy.url, CHAT, { body: chatBody(p) })).status).toBe(200);
  await proxy.stop();
}

async function contents(path: string): Promise<{ takes: string[]; interactions: Interaction[] }> {
  const s = await openStore(path, { readonly: true });
  try {
    const takes = (await s.listTakes()).map((t) => `${t.episode}/${t.take}:${t.interactions}`);
    return { takes, interactions: await collect(s.interactions({ newestTakeOnly: false, includeIncomplete: true })) };
  } finally {
    await s.close();
  }
}

describe('cassette copy', () => {
  it('copies every take between SQLite and directory stores, again copies nothing, resumes what is missing, leaves conflicts alone', async () => {
    const upstream = await startCountingUpstream({ delayMs: 5 });
    const dir = tempDir('cassette-copy-');
    const a = join(dir, 'a.db');
    await record(upstream.url, a, 'live', 'ep1', ['q1', 'q2']);
    await record(upstream.url, a, 'live', 'ep1', ['q1']);
    await record(upstream.url, a, 'live', 'ep2', ['q3']);
    const b = join(dir, 'b-dir');

    const first = await runCli(['copy', '--from', a, '--to', b, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ ok: true, copied: { takes: 3, interactions: 4 }, present: 0, conflicts: [] });
    expect(first.stderr).toBe(''); // no progress bar when stderr is not a terminal
    expect(await contents(b)).toEqual(await contents(a));

    const again = await runCli(['copy', '--from', a, '--to', b]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('copied 0 takes (0 interactions)');
    expect(again.stderr).toContain('3 already there; 0 conflicts');

    // An interrupted copy leaves whole takes: what is missing is copied on the next run, the rest kept.
    expect((await runCli(['rm', 'ep2', '--store', b])).code).toBe(0);
    const resumed = JSON.parse((await runCli(['copy', '--from', a, '--to', b, '--json'])).stdout);
    expect(resumed).toMatchObject({ copied: { takes: 1, interactions: 1 }, present: 2 });

    // Round trip through a second SQLite store: the same takes, the same interactions.
    const c = join(dir, 'c.db');
    expect((await runCli(['copy', '--from', b, '--to', c])).code).toBe(0);
    expect(await contents(c)).toEqual(await contents(a));

    // The target's take 2 of ep1 grew (record-missing there): a conflict, reported and left as it is.
    await record(upstream.url, c, 'record-missing', 'ep1', ['q9']);
    const before = await contents(c);
    const conflict = await runCli(['copy', '--from', a, '--to', c, '--json']);
    expect(conflict.code).toBe(1);
    const report = JSON.parse(conflict.stdout) as { ok: boolean; conflicts: { episode: string; take: number }[] };
    expect(report.ok).toBe(false);
    expect(report.conflicts.map((x) => `${x.episode}/${x.take}`)).toEqual(['ep1/2']);
    expect(await contents(c)).toEqual(before);
  }, 60_000);
});

describe('cassette import --as-new-take', () => {
  it("merges two runners' takes of one episode under new numbers, and skips takes already held", async () => {
    const upstream = await startCountingUpstream({ delayMs: 5 });
    const dir = tempDir('cassette-merge-');
    const [x, y, shared] = [join(dir, 'x.db'), join(dir, 'y.db'), join(dir, 'shared.db')];
    await record(upstream.url, x, 'live', 'ep', ['from x']);
    await record(upstream.url, y, 'live', 'ep', ['from y']);
    for (const [store, out] of [
      [x, join(dir, 'x-export')],
      [y, join(dir, 'y-export')],
    ] as const)
      expect((await runCli(['export', out, '--store', store])).code).toBe(0);

    expect((await runCli(['import', join(dir, 'x-export'), '--store', shared])).code).toBe(0);
    // Without --as-new-take the second runner's take 1 clashes, as before.
    const clash = await runCli(['import', join(dir, 'y-export'), '--store', shared, '--json']);
    expect(clash.code).toBe(2);
    const merged = await runCli(['import', join(dir, 'y-export'), '--store', shared, '--as-new-take', '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(JSON.parse(merged.stdout)).toMatchObject({ ok: true, takes: 1, interactions: 1, present: 0 });
    const again = JSON.parse((await runCli(['import', join(dir, 'y-export'), '--store', shared, '--as-new-take', '--json'])).stdout);
    expect(again).toMatchObject({ takes: 0, present: 1 });
    // A store works as the source too.
    expect(JSON.parse((await runCli(['import', x, '--store', shared, '--as-new-take', '--json'])).stdout)).toMatchObject({ present: 1 });

    const { takes, interactions } = await contents(shared);
    expect(takes).toEqual(['ep/1:1', 'ep/2:1']);
    expect(interactions.map((i) => [i.take, i.request.body])).toEqual([
      [1, expect.objectContaining({ json: expect.objectContaining({ messages: [{ role: 'user', content: 'from x' }] }) })],
      [2, expect.objectContaining({ json: expect.objectContaining({ messages: [{ role: 'user', content: 'from y' }] }) })],
    ]);
  }, 60_000);
});

describe('copy, import --as-new-take and verify with a PostgreSQL store', () => {
  it('copies SQLite into PostgreSQL (again: nothing), merges takes into it, verifies it, never printing the password', async () => {
    const upstream = await startCountingUpstream({ delayMs: 5 });
    const dir = tempDir('cassette-pgcopy-');
    const a = join(dir, 'a.db');
    await record(upstream.url, a, 'live', 'ep1', ['q1', 'q2']);
    await record(upstream.url, a, 'live', 'ep2', ['q3']);
    const db = await freshDatabase();

    const first = await runCli(['copy', '--from', a, '--to', db.url, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ ok: true, copied: { takes: 2, interactions: 3 }, present: 0, conflicts: [] });
    const copied = await contents(db.url);
    expect(copied.takes).toEqual((await contents(a)).takes);
    expect(copied.interactions.map((i) => i.request.body)).toEqual((await contents(a)).interactions.map((i) => i.request.body));

    const again = await runCli(['copy', '--from', a, '--to', db.url, '--json']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, copied: { takes: 0, interactions: 0 }, present: 2 });

    // Another runner's take of ep1 joins as take 2; importing it again adds nothing.
    const y = join(dir, 'y.db');
    await record(upstream.url, y, 'live', 'ep1', ['from y']);
    const merged = await runCli(['import', y, '--store', db.url, '--as-new-take', '--json']);
    expect(merged.code, merged.stderr).toBe(0);
    expect(JSON.parse(merged.stdout)).toMatchObject({ ok: true, takes: 1, interactions: 1, present: 0 });
    expect(JSON.parse((await runCli(['import', y, '--store', db.url, '--as-new-take', '--json'])).stdout)).toMatchObject({
      takes: 0,
      present: 1,
    });

    const verified = await runCli(['verify', '--store', db.url, '--json']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ ok: true, findings: [] });

    for (const r of [first, again, merged, verified]) expect(r.stdout + r.stderr).not.toContain(db.password);
  }, 90_000);
});
