// Issue 14 item 8: smoke mode without a contracts/ baseline. The store's recordings are the
// baseline (inferred as `contract update` would), so a string where a number was fails the run;
// with neither a contract file nor recordings of the provider, smoke fails and says how to make
// a baseline instead of passing unchecked.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { corpus, responseJson } from '../helpers/corpus.js';
import { sendJson, startFakeUpstream } from '../helpers/fake-upstream.js';
import type { FakeUpstream } from '../helpers/fake-upstream.js';
import { runCli, startProxy } from '../helpers/proxy.js';
import { openaiClient } from '../helpers/sdk.js';
import { writeOpenAIChild } from '../helpers/sut-child.js';

useCleanup();

const CHAT = corpus('openai/chat-completions-basic.json');

/** The recorded chat answer, with `edit` applied. */
function chatUpstream(edit: (body: any) => void = () => undefined): Promise<FakeUpstream> {
  const body = responseJson(CHAT);
  edit(body);
  return startFakeUpstream({
    routes: [{ when: (r) => r.path === '/v1/chat/completions', answer: (_req, res) => sendJson(res, 200, body) }],
  });
}

/** A store with one live take of the corpus chat answer; no contracts/ anywhere. */
async function recordedStore(dir: string): Promise<string> {
  const store = join(dir, 'cassettes.db');
  const upstream = await chatUpstream();
  const live = await startProxy({ mode: 'live', store, episode: 'chat', upstream: [`openai=${upstream.url}`] });
  await openaiClient(live).chat.completions.create(CHAT.request.body as never);
  await live.stop();
  await upstream.stop();
  return store;
}

const smokeRun = (dir: string, store: string, upstream: FakeUpstream) =>
  runCli(
    [
      'run',
      '--mode',
      'smoke',
      '--store',
      store,
      '--upstream',
      `openai=${upstream.url}`,
      '--json',
      '--',
      'node',
      writeOpenAIChild(dir),
      'hi',
    ],
    { cwd: dir },
  );

describe('smoke mode with no contracts/ baseline', () => {
  it('takes the baseline from the store: a string where a number was fails the run, the same shape passes', async () => {
    const dir = tempDir();
    const store = await recordedStore(dir);
    const [drifted, same] = await Promise.all([
      chatUpstream((b) => {
        b.usage.total_tokens = String(b.usage.total_tokens);
      }),
      chatUpstream(),
    ]);
    const [bad, good] = await Promise.all([smokeRun(dir, store, drifted), smokeRun(dir, store, same)]);

    expect(bad.code, bad.stderr).toBe(1);
    const summary = JSON.parse(bad.stdout) as { ok: boolean; drift: { severity: string; check: string; path: string }[] };
    expect(summary.ok).toBe(false);
    expect(summary.drift).toContainEqual(expect.objectContaining({ severity: 'breaking', path: 'usage.total_tokens' }));
    expect(bad.stderr).toContain('baseline inferred from 1 recordings');

    expect(good.code, good.stderr).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ ok: true, drift: [] });
  });

  it('with no contract file and no recordings of the provider, fails and says how to make a baseline', async () => {
    const dir = tempDir();
    const upstream = await chatUpstream();
    const r = await smokeRun(dir, join(dir, 'empty.db'), upstream);
    expect(r.code, r.stderr).toBe(1);
    const summary = JSON.parse(r.stdout) as { drift: { check: string; message: string }[] };
    expect(summary.drift).toContainEqual(expect.objectContaining({ check: 'baseline-missing' }));
    expect(r.stderr).toContain('no baseline for provider openai');
    expect(r.stderr).toContain('cassette contract update');
  });
});
