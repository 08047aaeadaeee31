// Issue 14 item 5: a directory store that cannot be written fails at start-up, before anything is
// forwarded (and paid for); with --on-store-error forward it proxies, and the summary never counts
// a call as both "recorded" and "could not be written".
import { accessSync, chmodSync, constants, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { defer } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { rawRequest } from '../helpers/record-replay.js';

useCleanup();

/**
 * A directory this process cannot create files in: mode 0555 for a normal user; for root (who
 * ignores permission bits) an existing directory of sysfs, which refuses new entries.
 */
function unwritableDir(): string | undefined {
  if (process.getuid?.() !== 0) {
    const dir = join(tempDir(), 'store');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    defer(() => chmodSync(dir, 0o755));
    return dir;
  }
  try {
    if (statSync('/sys/kernel').isDirectory()) {
      accessSync('/sys/kernel', constants.R_OK);
      return '/sys/kernel';
    }
  } catch {
    // no sysfs here
  }
  return undefined;
}

const dir = unwritableDir();
const BODY = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
const HEADERS = { 'content-type': 'application/json', authorization: 'Bearer sk-test' };

describe.skipIf(dir === undefined)('a read-only directory store', () => {
  it('live mode refuses to start, and nothing reaches the upstream', async () => {
    const upstream = await startFakeUpstream('openai/chat-completions-basic.json');
    const started = startProxy({ mode: 'live', store: dir as string, upstream: [`openai=${upstream.url}`] });
    await expect(started).rejects.toMatchObject({ code: 'store_write_failed', message: expect.stringContaining('not writable') });
    expect(upstream.requests).toHaveLength(0);
  });

  it('with --on-store-error forward it proxies; the summary says forwarded, not recorded', async () => {
    const upstream = await startFakeUpstream('openai/chat-completions-basic.json');
    const proxy = await startProxy({
      mode: 'live',
      store: dir as string,
      onStoreError: 'forward',
      upstream: [`openai=${upstream.url}`],
    });
    const answer = await rawRequest(`${proxy.url}/openai/v1/chat/completions`, { method: 'POST', headers: HEADERS, body: BODY });
    expect(answer.status).toBe(200);
    expect(proxy.logs()).toContain('not writable');
    await proxy.stop();
    const summary = proxy.summary();
    expect(summary.storeErrors).toBe(1);
    expect(summary.recorded).toBe(0);
    expect(summary.forwarded).toBe(1);
  });
});
