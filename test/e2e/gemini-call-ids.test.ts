// Issue 14 item 19: Gemini clients that make up their own functionCall.id / functionResponse.id
// (random per run) replay: the key numbers the ids by order of appearance, while what is sent
// upstream and stored keeps the client's ids.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import type { TestProxy } from '../helpers/proxy.js';
import { rawRequest } from '../helpers/record-replay.js';

useCleanup();

const PATH = '/gemini/v1beta/models/gemini-2.5-flash:generateContent';
const HEADERS = { 'content-type': 'application/json', 'x-goog-api-key': 'test-key' };

/** The second step of a tool loop, with the ids a client generated for this run. */
function toolLoopStep(callId: string, city = 'Paris'): string {
  return JSON.stringify({
    contents: [
      { role: 'user', parts: [{ text: `What is the weather in ${city}?` }] },
      { role: 'model', parts: [{ functionCall: { id: callId, name: 'get_weather', args: { city } } }] },
      { role: 'user', parts: [{ functionResponse: { id: callId, name: 'get_weather', response: { celsius: 18 } } }] },
    ],
  });
}

const send = (proxy: TestProxy, body: string) => rawRequest(`${proxy.url}${PATH}`, { method: 'POST', headers: HEADERS, body });

describe('Gemini client-generated call ids', () => {
  it('a tool loop recorded with one run’s ids replays with another run’s', async () => {
    const upstream = await startFakeUpstream('gemini/generate-content-basic.json');
    const store = tempStore();
    const live = await startProxy({ mode: 'live', store, upstream: [`gemini=${upstream.url}`] });
    const recordedId = randomUUID();
    expect((await send(live, toolLoopStep(recordedId))).status).toBe(200);
    await live.stop();
    // Sent upstream as the client wrote it.
    expect(upstream.requests[0]?.json.contents[1].parts[0].functionCall.id).toBe(recordedId);

    const golden = await startProxy({ mode: 'golden', store });
    const replayed = await send(golden, toolLoopStep(randomUUID()));
    expect(replayed.status, replayed.body.toString()).toBe(200);
    // Anything else that differs still misses.
    expect((await send(golden, toolLoopStep(randomUUID(), 'Rome'))).status).toBe(404);
  });
});
