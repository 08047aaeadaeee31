// Issue 14 item 26: `cassette rerecord EP` re-sends the requests of the take golden serves to the
// (fake) live provider and records the answers as a new take of EP, which golden then serves; it
// checks up front that a key is available and names the variable, and says what changed.
import { describe, expect, it } from 'vitest';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { runCli, startProxy } from '../helpers/proxy.js';
import { openaiClient } from '../helpers/sdk.js';
import { chatHandler, lastUserText } from '../helpers/sut-child.js';

useCleanup();

const STEPS = ['Say one.', 'Say two.'];

describe('cassette rerecord EPISODE', () => {
  it('records a new take of the same episode from the live answers, golden serves it, the old take stays', async () => {
    let version = 'old';
    const upstream = await startFakeUpstream(chatHandler((req) => ({ content: `${version} answer to ${lastUserText(req)}` })));
    const store = tempStore('X.db');
    const live = await startProxy({ mode: 'live', store, episode: 'ep', upstream: [`openai=${upstream.url}`] });
    for (const content of STEPS)
      await openaiClient(live).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content }] });
    await live.stop();
    upstream.requests.length = 0;

    const noKey = await runCli(['rerecord', 'ep', '--store', store, '--upstream', `openai=${upstream.url}`, '--json']);
    expect(noKey.code).toBe(3);
    expect(JSON.parse(noKey.stdout)).toMatchObject({ ok: false, error: { code: 'cannot_start' } });
    expect(noKey.stderr).toContain('OPENAI_API_KEY');
    expect(upstream.requests).toHaveLength(0);

    version = 'new';
    const r = await runCli(['rerecord', 'ep', '--store', store, '--upstream', `openai=${upstream.url}`, '--json'], {
      env: { OPENAI_API_KEY: 'sk-test-rerecord' },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(upstream.requests).toHaveLength(2);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: true, episode: 'ep', from: 1, take: 2, requests: 2, failed: 0, changed: 2 });
    expect(r.stderr).toContain('episode "ep" take 1 re-recorded as take 2: 2 requests, 2 steps changed');
    expect(r.stderr).toContain('"old answer to Say one." → "new answer to Say one."');

    const ls = JSON.parse((await runCli(['ls', '--store', store, '--json'])).stdout);
    expect(ls.episodes).toMatchObject([{ episode: 'ep', takes: 2, take: 2, calls: 2 }]);
    const show = await runCli(['show', 'ep', '--store', store, '--json']);
    expect(JSON.parse(show.stdout).interactions[0].assembled.text).toBe('new answer to Say one.');
    await upstream.stop();
  });

  it('a store without the episode fails before sending anything', async () => {
    const store = tempStore('X.db');
    const r = await runCli(['rerecord', 'nope', '--store', store], { env: { OPENAI_API_KEY: 'sk-x' } });
    expect(r.code).not.toBe(0);
  });
});
