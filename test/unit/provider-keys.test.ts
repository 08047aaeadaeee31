// Provider keys from the environment are read in one place (src/config/provider-keys.ts, issue 12
// item 5): the proxy reads CASSETTE_<NAME>_API_KEY once when it starts and adds it upstream when
// the SUT sent no key of its own.
import { afterEach, describe, expect, it } from 'vitest';
import { envNameOf, readProxyApiKeys, resendApiKey } from '../../src/config/provider-keys.js';
import { startCassette } from '../../src/index.js';
import { defer, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { chatHandler } from '../helpers/sut-child.js';

useCleanup();

const VAR = 'CASSETTE_OPENAI_API_KEY';
afterEach(() => {
  delete process.env[VAR];
});

describe('provider keys from the environment', () => {
  it('reads every CASSETTE_<NAME>_API_KEY into a frozen map by <NAME>, empty values left out', () => {
    const keys = readProxyApiKeys({
      CASSETTE_OPENAI_API_KEY: 'sk-a',
      CASSETTE_MY_VENDOR_API_KEY: 'k-b',
      CASSETTE_X_API_KEY: '',
      OTHER: 'x',
    });
    expect(keys).toEqual({ OPENAI: 'sk-a', MY_VENDOR: 'k-b' });
    expect(Object.isFrozen(keys)).toBe(true);
    expect(envNameOf('my-vendor')).toBe('MY_VENDOR');
  });

  it('resends with CASSETTE_<NAME>_API_KEY, then <NAME>_API_KEY, then the SDK variables', () => {
    expect(resendApiKey('gemini', ['GOOGLE_API_KEY'], { GOOGLE_API_KEY: 'g', GEMINI_API_KEY: 'm', CASSETTE_GEMINI_API_KEY: 'c' })).toBe(
      'c',
    );
    expect(resendApiKey('gemini', ['GOOGLE_API_KEY'], { GOOGLE_API_KEY: 'g', GEMINI_API_KEY: 'm' })).toBe('m');
    expect(resendApiKey('gemini', ['GOOGLE_API_KEY'], { GOOGLE_API_KEY: 'g' })).toBe('g');
    expect(resendApiKey('gemini', undefined, {})).toBeUndefined();
  });

  it('the proxy adds the key read at start to a request that carries none, and keeps a SUT key', async () => {
    const upstream = await startFakeUpstream(chatHandler(() => ({ content: 'ok' })));
    process.env[VAR] = 'sk-from-the-environment-0000';
    const cassette = await startCassette({ mode: 'passthrough', upstreams: { openai: upstream.url } });
    defer(() => cassette.stop());
    // Read once at start: a later change of the environment does not reach this proxy.
    process.env[VAR] = 'sk-changed-later-000000000000';
    const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    const url = `${cassette.env.OPENAI_BASE_URL}/chat/completions`;
    const bare = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(bare.status).toBe(200);
    await bare.arrayBuffer();
    const own = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-sut' }, body });
    await own.arrayBuffer();
    expect(upstream.requests.map((r) => r.headers.authorization)).toEqual(['Bearer sk-from-the-environment-0000', 'Bearer sk-sut']);
  });
});
