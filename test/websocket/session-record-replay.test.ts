import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { loadWsFixture, startFakeWsUpstream } from '../helpers/fake-ws-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { PLANTED_HEADER_KEY, PLANTED_KEY, runRealtimeScript } from './realtime-script.js';

useCleanup();

const wsUrl = (proxyUrl: string, path: string): string => `${proxyUrl.replace(/^http/, 'ws')}${path}`;

/** Every file under `dir`, read as text. */
function readTree(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    out += statSync(p).isDirectory() ? readTree(p) : readFileSync(p, 'latin1');
  }
  return out;
}

async function record(store: string) {
  const upstream = await startFakeWsUpstream(loadWsFixture('openai-realtime-tool-call.json'));
  const proxy = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
  const live = await runRealtimeScript(wsUrl(proxy.url, '/openai/v1/realtime?model=gpt-realtime'));
  await proxy.stop();
  await upstream.stop();
  return { live, upstream, logs: proxy.logs() };
}

describe('WebSocket sessions through the proxy', () => {
  it('records a Realtime tool-calling session live and replays it causally in golden with no upstream', async () => {
    const store = join(tempDir(), 'cassettes');
    const { live, upstream, logs } = await record(store);
    expect(live.events.map((e) => e.type)).toContain('response.output_audio.delta');
    expect(live.close.code).toBe(1000);
    // The provider got the credentials exactly as the client sent them.
    expect(upstream.upgrades[0]?.headers['sec-websocket-protocol']).toContain(PLANTED_KEY);
    expect(upstream.upgrades[0]?.headers.authorization).toBe(`Bearer ${PLANTED_HEADER_KEY}`);

    const stored = readTree(store);
    expect(stored).not.toContain(PLANTED_KEY);
    expect(stored).not.toContain(PLANTED_HEADER_KEY);
    expect(logs).not.toContain(PLANTED_KEY);
    expect(stored).toContain('openai-insecure-api-key.<REDACTED>');
    // The 96 KB audio delta went to a side file.
    expect(readdirSync(store).some((n) => n.includes('blob'))).toBe(true);

    const golden = await startProxy({ mode: 'golden', store });
    const replayed = await runRealtimeScript(wsUrl(golden.url, '/openai/v1/realtime?model=gpt-realtime'));
    expect(replayed.events).toEqual(live.events);
    expect(replayed.close.code).toBe(1000);
    expect(golden.stats.total('hit')).toBe(1);
    expect(golden.stats.misses).toEqual([]);
  });

  it('misses on a changed tool result, naming the frame and the field, in the provider error shape', async () => {
    const store = join(tempDir(), 'cassettes');
    await record(store);
    const golden = await startProxy({ mode: 'golden', store });
    const replayed = await runRealtimeScript(
      wsUrl(golden.url, '/openai/v1/realtime?model=gpt-realtime'),
      '{"temperature_c":5,"sky":"rain"}',
    );
    const error = replayed.events.find((e) => e.type === 'error');
    expect(error?.error.code).toBe('cassette_miss');
    expect(error?.error.message).toMatch(/client frame 4 \(conversation\.item\.create\)/);
    expect(error?.error.message).toMatch(/item\.output/);
    expect(replayed.close.code).toBe(4404);
    expect(replayed.close.reason).toMatch(/^cassette_miss/);
    expect(golden.stats.misses).toHaveLength(1);
  });

  it('refuses an upgrade with no recording with a 404 in the provider shape', async () => {
    const store = join(tempDir(), 'cassettes');
    await record(store);
    const golden = await startProxy({ mode: 'golden', store });
    const refused = await new Promise<{ status: number; miss: string | undefined; body: any }>((resolve, reject) => {
      const ws = new WebSocket(wsUrl(golden.url, '/openai/v1/realtime?model=other'));
      ws.on('error', () => undefined);
      ws.on('open', () => reject(new Error('the upgrade was accepted')));
      ws.on('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, miss: res.headers['x-cassette-miss'] as string | undefined, body: JSON.parse(text) }),
        );
      });
    });
    expect(refused.status).toBe(404);
    expect(refused.miss).toBe('1');
    expect(refused.body.error.code).toBe('cassette_miss');
    expect(golden.stats.total('miss')).toBe(1);
  });
});
