// POST /__cassette/episode validates everything before it applies anything (issue 13 item 18):
// a valid id with a bad chaos block answers 400 and leaves the current episode as it was.
import { describe, expect, it } from 'vitest';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { startProxy } from '../helpers/proxy.js';
import { rawRequest } from '../helpers/record-replay.js';

useCleanup();

describe('POST /__cassette/episode with a bad chaos block', () => {
  it('answers 400 and has switched nothing, with or without a mode', async () => {
    const proxy = await startProxy({ mode: 'golden', store: tempStore() });
    const post = (body: unknown) =>
      rawRequest(`${proxy.url}/__cassette/episode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const current = async (): Promise<string> => JSON.parse((await rawRequest(`${proxy.url}/__cassette/episode`)).body.toString()).id;
    for (const chaos of [{ rate: 7 }, { rate: 1, faults: 'nonsense' }]) {
      expect((await post({ id: 'switched', chaos })).status).toBe(400);
      expect(await current()).toBe('default');
      expect((await post({ id: 'switched', mode: 'mock', chaos })).status).toBe(400);
      expect(await current()).toBe('default');
    }
    expect((await post({ id: 'switched', chaos: { rate: 0.5 } })).status).toBe(200);
    expect(await current()).toBe('switched');
  });
});
