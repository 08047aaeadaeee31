// Golden on a PostgreSQL store whose server goes away mid-run (a real private server, stopped and
// started again): what the proxy has read keeps being served from memory with one warning, what it
// has not read fails in the provider's error shape with store_unreachable (no stack trace), and
// once the server is back everything is served again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCleanup } from '../helpers/cleanup.js';
import { startPrivatePostgres, type PrivatePostgres } from '../helpers/postgres.js';
import { call, spawnProxy } from '../robustness/harness.js';
import { chatBody, startCountingUpstream } from './counting-upstream.js';

useCleanup();

const CHAT = '/openai/v1/chat/completions';

let server: PrivatePostgres;
beforeAll(async () => {
  server = await startPrivatePostgres();
}, 120_000);
afterAll(async () => {
  await server?.close();
});

describe('golden while the PostgreSQL server is down', () => {
  it('serves cached recordings with a warning, fails uncached ones with store_unreachable, recovers after a restart', async () => {
    const upstream = await startCountingUpstream({ delayMs: 5 });
    const url = await server.createDatabase();
    const common = ['--store', url, '--episode', 'outage', '--upstream', `openai=${upstream.url}`];

    const recorder = await spawnProxy(['--mode', 'live', ...common], { startTimeoutMs: 60_000 });
    for (const p of ['cached', 'uncached']) expect((await call(recorder.url, CHAT, { body: chatBody(p) })).status).toBe(200);
    expect((await recorder.stop()).code, recorder.stderr()).toBe(0);

    const golden = await spawnProxy(['--mode', 'golden', ...common], { startTimeoutMs: 60_000 });
    const before = await call(golden.url, CHAT, { body: chatBody('cached') });
    expect(before.status).toBe(200);

    await server.stop();
    const during = await call(golden.url, CHAT, { body: chatBody('cached'), timeoutMs: 30_000 });
    expect(during.status, during.body.toString('utf8')).toBe(200);
    expect(during.body.toString('utf8')).toBe(before.body.toString('utf8'));

    const missing = await call(golden.url, CHAT, { body: chatBody('uncached'), timeoutMs: 30_000 });
    const text = missing.body.toString('utf8');
    expect(missing.status, text).toBeGreaterThanOrEqual(500);
    const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
    expect(parsed.error?.code, text).toBe('store_unreachable');
    expect(text).not.toMatch(/\n\s+at /);
    expect(text).not.toContain(server.password);
    expect(golden.stderr()).toContain('serving the');
    expect(golden.stderr()).not.toMatch(/\n\s+at /);

    await server.start();
    let after = await call(golden.url, CHAT, { body: chatBody('uncached'), timeoutMs: 30_000 });
    for (let i = 0; i < 40 && after.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 250));
      after = await call(golden.url, CHAT, { body: chatBody('uncached'), timeoutMs: 30_000 });
    }
    expect(after.status, after.body.toString('utf8')).toBe(200);
    expect(golden.stderr()).toContain('reachable again');
    expect(golden.stderr()).not.toContain(server.password);
    expect(upstream.counts.get('uncached')).toBe(1);
    expect((await golden.stop()).code, golden.stderr()).toBe(0);
  }, 150_000);
});
