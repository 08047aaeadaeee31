// Issue 14 item 17: `cassette prune --unused-since DURATION`. The run ledger records which takes
// each run served; prune removes what was neither recorded nor served since the cutoff, keeps
// each episode's newest and served take unless --whole-episodes, and refuses when the ledger
// cannot tell "unused" from "not known". Through the CLI as a child process, on SQLite, the
// directory store and PostgreSQL, with takes recorded through a real proxy and the real openai SDK.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { RunRecord } from '../../src/store/run-record.js';
import { collect } from '../../src/store/store.js';
import type { Interaction, TakeSummary } from '../../src/types.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { freshDatabase } from '../helpers/postgres.js';
import { openaiClient } from '../helpers/sdk.js';
import { runCli, startProxy } from '../helpers/proxy.js';
import { chatHandler, lastUserText, writeOpenAIChild } from '../helpers/sut-child.js';
import { defer } from '../helpers/cleanup.js';

useCleanup();

const DAY = 86_400_000;
const daysAgo = (n: number): string => new Date(Date.now() - n * DAY).toISOString();

/** alpha: two takes of the same question, beta: one take; recorded live through the proxy into a SQLite store. */
async function recordSeed(dir: string): Promise<string> {
  const seed = join(dir, 'seed.db');
  const upstream = await startFakeUpstream({ routes: [{ answer: chatHandler((r) => ({ content: `about ${lastUserText(r)}` })) }] });
  for (const [episode, ask] of [
    ['alpha', 'one'],
    ['alpha', 'one'],
    ['beta', 'two'],
  ] as const) {
    const live = await startProxy({ mode: 'live', store: seed, episode, upstream: [`openai=${upstream.url}`] });
    await openaiClient(live).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: ask }] });
    await live.stop();
  }
  await upstream.stop();
  return seed;
}

/** The seed's takes, written into `target` as if recorded 40 days ago (same numbers, positions and bodies). */
async function copyBackdated(seed: string, target: string): Promise<void> {
  const from = await openStore(seed);
  const to = await openStore(target);
  try {
    const all = await collect(from.interactions({ newestTakeOnly: false, includeIncomplete: true }));
    for (const t of await from.listTakes()) {
      const summary: TakeSummary = { ...t, createdAt: daysAgo(40 - t.take), closedAt: daysAgo(40 - t.take) };
      const of: Interaction[] = all.filter((i) => i.episode === t.episode && i.take === t.take);
      await to.importTake(summary, of);
    }
  } finally {
    await from.close();
    await to.close();
  }
}

/** A ledger run from `days` ago that served nothing: the ledger has known since then. */
async function addEmptyRun(store: string, days: number): Promise<void> {
  const s = await openStore(store);
  const run: RunRecord = {
    id: `${daysAgo(days)}-00000000`,
    startedAt: daysAgo(days),
    endedAt: daysAgo(days),
    durationMs: 0,
    mode: 'golden',
    episode: 'default',
    exitCode: 0,
    hits: 0,
    misses: 0,
    recorded: 0,
    served: [],
  };
  try {
    await s.recordRun(run);
  } finally {
    await s.close();
  }
}

const ids = (doc: { takes: { episode: string; take: number }[] }): string[] => doc.takes.map((t) => `${t.episode}/${t.take}`);

async function pruneJson(dir: string, store: string, ...rules: string[]) {
  const r = await runCli(['prune', ...rules, '--json', '--store', store], { cwd: dir, timeoutMs: 120_000 });
  expect(r.code, r.stderr).toBe(0);
  return {
    doc: JSON.parse(r.stdout) as { ok: boolean; dryRun: boolean; takes: { episode: string; take: number }[]; episodes: string[] },
    stderr: r.stderr,
  };
}

async function checkBackend(dir: string, store: string, child: string): Promise<void> {
  // No run of the ledger recorded what it served: unused cannot be told from unknown.
  const unknown = await runCli(['prune', '--unused-since', '30d', '--store', store], { cwd: dir, timeoutMs: 120_000 });
  expect(unknown.code, unknown.stderr).toBe(2);
  expect(unknown.stderr).toContain('has no run that recorded which takes it served');
  expect(unknown.stderr).toContain('cassette run --ledger');

  await addEmptyRun(store, 40);
  const before = await pruneJson(dir, store, '--unused-since', '30d', '--whole-episodes', '--dry-run');
  expect(ids(before.doc)).toEqual(['alpha/1', 'alpha/2', 'beta/1']);
  expect(before.doc.episodes).toEqual(['alpha', 'beta']);

  // A golden run of alpha, in the ledger: its served take is in use again.
  const golden = await runCli(['run', '--ledger', '--store', store, '--episode', 'alpha', '--json', '--', 'node', child, 'one'], {
    cwd: dir,
    timeoutMs: 120_000,
  });
  expect(golden.code, golden.stderr).toBe(0);
  expect(JSON.parse(golden.stdout)).toMatchObject({ ok: true, hits: 1, misses: 0 });
  const s = await openStore(store);
  const [run] = await s.listRuns({ limit: 1 }).finally(() => s.close());
  expect(run?.served).toEqual([{ episode: 'alpha', take: 2, hits: 1 }]);

  // Without --whole-episodes, each episode keeps its newest take: only alpha/1 goes.
  const takesOnly = await pruneJson(dir, store, '--unused-since', '30d', '--dry-run');
  expect(ids(takesOnly.doc)).toEqual(['alpha/1']);
  expect(takesOnly.doc.episodes).toEqual([]);

  const pruned = await pruneJson(dir, store, '--unused-since', '30d', '--whole-episodes');
  expect(pruned.doc).toMatchObject({ ok: true, dryRun: false, episodes: ['beta'], interactions: 2 });
  expect(ids(pruned.doc)).toEqual(['alpha/1', 'beta/1']);
  expect(pruned.stderr).toContain('removed 2 takes, 1 whole episode (2 interactions)');
  const ls = await runCli(['ls', '--json', '--store', store], { cwd: dir, timeoutMs: 120_000 });
  expect(JSON.parse(ls.stdout).episodes).toMatchObject([{ episode: 'alpha', takes: 1, take: 2 }]);
}

describe('cassette prune --unused-since', () => {
  it('removes what no ledger run served since the cutoff, on SQLite, directory and PostgreSQL', async () => {
    const dir = tempDir();
    const seed = await recordSeed(dir);
    const pg = await freshDatabase();
    defer(() => pg.drop());
    const stores = [join(dir, 'store.db'), join(dir, 'store-dir'), pg.url];
    for (const store of stores) await copyBackdated(seed, store);
    const child = writeOpenAIChild(dir);
    await Promise.all(stores.map((store) => checkBackend(dir, store, child)));
  }, 300_000);

  it('refuses a ledger that began after the cutoff, and --whole-episodes without --unused-since', async () => {
    const dir = tempDir();
    const store = join(dir, 'young.db');
    await addEmptyRun(store, 2);
    const [young, alone] = await Promise.all([
      runCli(['prune', '--unused-since', '30d', '--store', store], { cwd: dir, timeoutMs: 120_000 }),
      runCli(['prune', '--whole-episodes', '--keep-takes', '1', '--store', store], { cwd: dir, timeoutMs: 120_000 }),
    ]);
    expect(young.code).toBe(2);
    expect(young.stderr).toMatch(/knows what was served only since \d{4}-/);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--whole-episodes goes with --unused-since DURATION');
  }, 300_000);
});
