// Record-missing's memory is bounded by its limits, not by how much it recorded (issue 13 item 9,
// the soak: RSS grew ~11 KB per recorded call because every interaction recorded this session was
// held whole in its episode's index for the proxy's life). 1,500 recordings through a real proxy
// leave at most `addedInteractions` held (counted through `/__cassette/stats` `memory`, not RSS),
// and an episode whose index was dropped meanwhile is read again from the store: what it had not
// served yet still replays, and what it had served (or recorded) still counts (strict occurrences).
import { Agent, fetch } from 'undici';
import { describe, expect, it } from 'vitest';
import { defer, tempStore, useCleanup } from '../helpers/cleanup.js';
import { startProxy } from '../helpers/proxy.js';
import { postChat, startLlmUpstream } from './harness.js';

useCleanup();

/** Over the default limit of 1,000 recordings added this session held whole. */
const RECORDINGS = 1_500;

describe('record-missing over many recordings', () => {
  it(`${RECORDINGS} recordings: held recordings stay under the limit; a dropped episode replays and counts from the store`, async () => {
    const upstream = await startLlmUpstream();
    const store = tempStore();
    const agent = new Agent({ connections: 16 });
    defer(() => agent.close());
    const post = (base: string, episode: string, prompt: string, stream = false) => postChat(agent, base, episode, prompt, stream);
    const memory = async (base: string): Promise<Record<string, number>> => {
      const r = await fetch(`${base}/__cassette/stats`, { dispatcher: agent });
      return ((await r.json()) as { memory: Record<string, number> }).memory;
    };

    // An earlier session recorded "a" and "b" in episode "first".
    const earlier = await startProxy({ mode: 'record-missing', store, upstream: [`openai=${upstream.url}`] });
    for (const prompt of ['a', 'b']) expect(await post(earlier.url, 'first', prompt)).toEqual({ status: 200, outcome: 'recorded' });
    await earlier.stop();

    const proxy = await startProxy({ mode: 'record-missing', store, strict: true, upstream: [`openai=${upstream.url}`] });
    expect(await post(proxy.url, 'first', 'a')).toEqual({ status: 200, outcome: 'hit' });
    // Strict: the second identical call is a miss, recorded as the second occurrence.
    expect(await post(proxy.url, 'first', 'same')).toEqual({ status: 200, outcome: 'recorded' });
    expect(await post(proxy.url, 'first', 'same')).toEqual({ status: 200, outcome: 'recorded' });

    // 1,500 recordings over 60 other episodes (every 4th streamed), 16 clients at once.
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let n = next++; n < RECORDINGS; n = next++) {
          expect(await post(proxy.url, `ep-${n % 60}`, `prompt ${n}`, n % 4 === 0)).toEqual({ status: 200, outcome: 'recorded' });
        }
      }),
    );
    const m = await memory(proxy.url);
    expect(m.addedInteractions).toBeLessThanOrEqual(1_000);
    expect(m.heldInteractions).toBeLessThanOrEqual(1_000);
    // Dropped indexes are read again at their episode's next call (the index alone is small and has its own limit).
    expect(m.indexedRecordings).toBeLessThanOrEqual(RECORDINGS + 5);
    expect(m.episodeStates).toBe(61);
    expect(m.endpoints).toBe(1); // one provider, method and path

    // "first" was dropped from memory (least recently used) and is read again from the store.
    const before = upstream.received;
    expect(await post(proxy.url, 'first', 'b')).toEqual({ status: 200, outcome: 'hit' }); // not served yet this session
    expect(await post(proxy.url, 'first', 'a')).toEqual({ status: 200, outcome: 'recorded' }); // served once: a second occurrence
    expect(await post(proxy.url, 'first', 'same')).toEqual({ status: 200, outcome: 'recorded' }); // recorded twice: a third
    expect(await post(proxy.url, 'first', 'b')).toEqual({ status: 200, outcome: 'recorded' });
    expect(upstream.received - before).toBe(3);
    // And every recording of the flood replays from the store in a fresh session.
    await proxy.stop();
    const golden = await startProxy({ mode: 'golden', store });
    for (const n of [0, 1, 749, 1_499])
      expect(await post(golden.url, `ep-${n % 60}`, `prompt ${n}`, n % 4 === 0)).toEqual({ status: 200, outcome: 'hit' });
    await upstream.stop();
  }, 180_000);
});
