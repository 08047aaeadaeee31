// Issue 14 item 22: `match.normalize` rules reach text (non-JSON) bodies too, so a plain-text
// request with a timestamp recorded once replays with another timestamp.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { rawRequest } from '../helpers/record-replay.js';

useCleanup();

function configWithTimestampRule(): string {
  const path = join(tempDir(), 'cassette.config.json');
  const rule = { pattern: '\\d{4}-\\d{2}-\\d{2}T[0-9:.]+Z', replacement: '<TIMESTAMP>' };
  writeFileSync(path, JSON.stringify({ match: { normalize: [rule] } }));
  return path;
}

const TEXT = { 'content-type': 'text/plain', authorization: 'Bearer sk-test' };

describe('match.normalize on text bodies', () => {
  it('a text body differing only in a normalized timestamp is a hit', async () => {
    const upstream = await startFakeUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('pong');
    });
    const store = tempStore();
    const config = configWithTimestampRule();
    const live = await startProxy({ mode: 'live', store, config, upstream: [`openai=${upstream.url}`] });
    const first = await rawRequest(`${live.url}/openai/v1/echo`, {
      method: 'POST',
      headers: TEXT,
      body: 'ping at 2026-01-01T10:00:00.000Z',
    });
    expect(first.status).toBe(200);
    await live.stop();

    const golden = await startProxy({ mode: 'golden', store, config });
    const later = await rawRequest(`${golden.url}/openai/v1/echo`, {
      method: 'POST',
      headers: TEXT,
      body: 'ping at 2026-03-04T11:22:33.444Z',
    });
    expect(later.status).toBe(200);
    expect(later.body.toString()).toBe('pong');
    const other = await rawRequest(`${golden.url}/openai/v1/echo`, {
      method: 'POST',
      headers: TEXT,
      body: 'pong at 2026-03-04T11:22:33.444Z',
    });
    expect(other.status).toBe(404);
  });
});
