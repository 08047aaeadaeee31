import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { loadWsFixture, startFakeWsUpstream } from '../helpers/fake-ws-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { runChild, writeOpenAIRealtimeChild } from './sdk-children.js';

useCleanup();

const API_KEY = 'sk-proj-PLANTEDopenaiSDKkey0123456789abcdefgh';

describe('the openai SDK Realtime client (OpenAIRealtimeWS) through the proxy with --tls', () => {
  it('records a tool-calling session live and replays it in golden with the upstream shut down', async () => {
    const dir = tempDir();
    const store = join(dir, 'cassettes.db');
    const tlsDir = join(dir, 'tls');
    const child = writeOpenAIRealtimeChild(dir);
    const upstream = await startFakeWsUpstream(loadWsFixture('openai-realtime-tool-call.json'));

    const live = await startProxy(
      { mode: 'live', store, tls: true, upstream: [`openai=${upstream.url}`] },
      { env: { CASSETTE_TLS_DIR: tlsDir } },
    );
    expect(live.url).toMatch(/^https:/);
    expect(live.env.NODE_EXTRA_CA_CERTS).toBe(join(tlsDir, 'localhost-cert.pem'));
    const env = { OPENAI_BASE_URL: live.env.OPENAI_BASE_URL, OPENAI_API_KEY: API_KEY, NODE_EXTRA_CA_CERTS: live.env.NODE_EXTRA_CA_CERTS };
    const recorded = await runChild(child, env);
    expect(recorded.events.map((e) => e.type)).toEqual(expect.arrayContaining(['session.created', 'response.output_audio.delta']));
    expect(recorded.events.filter((e) => e.type === 'response.done')).toHaveLength(2);
    expect(upstream.upgrades[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    await live.stop();
    await upstream.stop();
    expect(readFileSync(store).includes(API_KEY)).toBe(false);

    // The same certificate is reused: a client trusts it once.
    const golden = await startProxy({ mode: 'golden', store, tls: true }, { env: { CASSETTE_TLS_DIR: tlsDir } });
    const replayed = await runChild(child, { ...env, OPENAI_BASE_URL: golden.env.OPENAI_BASE_URL });
    expect(replayed.events).toEqual(recorded.events);
    expect(replayed.close.code).toBe(1000);
    expect(golden.stats.total('hit')).toBe(1);

    const changed = await runChild(child, { ...env, OPENAI_BASE_URL: golden.env.OPENAI_BASE_URL, TOOL_OUTPUT: '{"temperature_c":5}' });
    const miss = changed.events.find((e) => e.type === 'error');
    expect(miss?.error.code).toBe('cassette_miss');
    expect(miss?.error.message).toContain('item.output');
    expect(changed.close.code).toBe(4404);
  });
});
