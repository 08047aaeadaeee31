// Golden's memory is bounded whatever the clients ask for (issue 13 item 9): 20,000 calls on
// fresh episode ids and misses in an episode with recordings leave every per-episode and per-miss
// structure under its documented limit (counted through `/__cassette/stats` `memory`, not RSS),
// while the counters keep the totals and the recorded episode still replays in order.
import { Agent, fetch } from 'undici';
import { describe, expect, it } from 'vitest';
import { ACTIVITY_SESSIONS } from '../../src/ui/activity-feed.js';
import { MISS_SAMPLE } from '../../src/modes/proxy-stats.js';
import { defer, tempStore, useCleanup } from '../helpers/cleanup.js';
import { startProxy } from '../helpers/proxy.js';
import { postChat, startLlmUpstream } from './harness.js';

useCleanup();

// Over 10,000 fresh ids either way, so every limit below is reached; 20,000 in the soak run.
const CALLS = process.env.CASSETTE_SOAK ? 20_000 : 12_000;

describe('golden under fresh episode ids and misses', () => {
  it(`${CALLS} calls: per-episode and per-miss state stays under its limits; counts and replay order survive`, async () => {
    const upstream = await startLlmUpstream();
    const store = tempStore();
    const live = await startProxy({ mode: 'live', store, episode: 'known', upstream: [`openai=${upstream.url}`] });
    const agent = new Agent({ connections: 16 });
    defer(() => agent.close());
    const post = (base: string, episode: string, prompt: string) => postChat(agent, base, episode, prompt);
    for (const prompt of ['one', 'two']) expect((await post(live.url, 'known', prompt)).status).toBe(200);
    await live.stop();
    await upstream.stop();

    const golden = await startProxy({ mode: 'golden', store, episode: 'known' });
    // 16 clients; every 10th call misses in the recorded episode (explained against its
    // recordings), the others ask for an episode id never seen before.
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let n = next++; n < CALLS; n = next++) {
          const r = n % 10 === 0 ? await post(golden.url, 'known', `unrecorded ${n}`) : await post(golden.url, `fresh-${n}`, 'hello');
          expect(r.status).toBe(404);
        }
      }),
    );
    const stats = await fetch(`${golden.url}/__cassette/stats`, { dispatcher: agent });
    const text = await stats.text();
    const body = JSON.parse(text) as { misses: number; memory: Record<string, number>; divergences: unknown[]; missList: unknown[] };
    expect(body.misses).toBe(CALLS);
    const m = body.memory;
    expect(m.bareEpisodes).toBeLessThanOrEqual(1_000);
    expect(m.episodeStates).toBe(1); // only "known" has recordings, and it is kept
    expect(m.episodeIndexes).toBeLessThanOrEqual(2_000);
    expect(m.activitySessions).toBeLessThanOrEqual(ACTIVITY_SESSIONS);
    expect(m.missSamples).toBeLessThanOrEqual(MISS_SAMPLE);
    expect(m.activityMisses).toBeLessThanOrEqual(1_000);
    expect(body.missList.length).toBeLessThanOrEqual(MISS_SAMPLE);
    expect(body.divergences.length).toBeLessThanOrEqual(1_001);
    // Stats stay cheap: a bounded document, whatever the traffic (it reached 50-90 MB before).
    expect(text.length).toBeLessThan(2 * 2 ** 20);

    // The recorded episode was never evicted: its two recordings still replay, in order.
    expect(await post(golden.url, 'known', 'one')).toEqual({ status: 200, outcome: 'hit' });
    expect(await post(golden.url, 'known', 'two')).toEqual({ status: 200, outcome: 'hit' });
    await golden.stop();
  }, 180_000);
});
