import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GoogleGenAI, Modality } from '@google/genai';
import type { LiveServerMessage } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { loadWsFixture, startFakeWsUpstream } from '../helpers/fake-ws-upstream.js';
import { startProxy } from '../helpers/proxy.js';

useCleanup();

const API_KEY = 'AIzaPLANTEDgeminiLiveKey0123456789abcdefXYZ';

/** One Live conversation with a tool call, as an application writes it; returns what onmessage saw and the close. */
async function converse(baseUrl: string, toolResult = { temperature_c: 21, sky: 'sunny' }) {
  // A base URL ending in "/" makes the SDK dial `.../gemini//ws/...`: the proxy accepts it.
  const ai = new GoogleGenAI({ apiKey: API_KEY, httpOptions: { baseUrl: `${baseUrl}/` } });
  const messages: LiveServerMessage[] = [];
  let done!: (v: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((r) => (done = r));
  const session = await ai.live.connect({
    model: 'gemini-live-2.5-flash-preview',
    config: {
      responseModalities: [Modality.TEXT],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Current weather for a city',
              parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } },
            },
          ],
        },
      ],
    },
    callbacks: {
      onmessage: (m) => {
        messages.push(m);
        const call = m.toolCall?.functionCalls?.[0];
        if (call) session.sendToolResponse({ functionResponses: [{ id: call.id, name: call.name, response: toolResult }] });
        if (m.serverContent?.turnComplete) session.close();
      },
      onclose: (e) => done({ code: e.code, reason: e.reason }),
    },
  });
  session.sendClientContent({ turns: [{ role: 'user', parts: [{ text: 'What is the weather in Paris?' }] }], turnComplete: true });
  const close = await closed;
  return { messages: JSON.parse(JSON.stringify(messages)) as unknown[], close };
}

describe('@google/genai live.connect through the proxy', () => {
  it('records a Live session with a tool call and replays it in golden with the upstream shut down', async () => {
    const store = join(tempDir(), 'cassettes.db');
    const upstream = await startFakeWsUpstream(loadWsFixture('gemini-live-tool-call.json'));
    const live = await startProxy({ mode: 'live', store, upstream: [`gemini=${upstream.url}`] });
    const recorded = await converse(live.baseUrl('gemini'));
    expect(recorded.messages).toHaveLength(6);
    expect(upstream.upgrades[0]?.url).toMatch(
      /^\/ws\/google\.ai\.generativelanguage\.v1beta\.GenerativeService\.BidiGenerateContent\?key=AIza/,
    );
    await live.stop();
    await upstream.stop();
    // Gemini's `?key=` never reaches the store or the log.
    expect(readFileSync(store).includes(API_KEY)).toBe(false);
    expect(live.logs()).not.toContain(API_KEY);

    const golden = await startProxy({ mode: 'golden', store });
    const replayed = await converse(golden.baseUrl('gemini'));
    expect(replayed.messages).toEqual(recorded.messages);
    expect(golden.stats.total('hit')).toBe(1);
    const stats = golden.stats;
    expect(stats.savedTokens).toBe(193);
  });

  it('closes with 4404 and the reason when the tool result differs', async () => {
    const store = join(tempDir(), 'cassettes.db');
    const upstream = await startFakeWsUpstream(loadWsFixture('gemini-live-tool-call.json'));
    const live = await startProxy({ mode: 'live', store, upstream: [`gemini=${upstream.url}`] });
    await converse(live.baseUrl('gemini'));
    await live.stop();
    await upstream.stop();
    const golden = await startProxy({ mode: 'golden', store });
    const replayed = await converse(golden.baseUrl('gemini'), { temperature_c: 5, sky: 'rain' });
    expect(replayed.close.code).toBe(4404);
    expect(replayed.close.reason).toMatch(/^cassette_miss: client frame 3 \(toolResponse\)/);
    expect(golden.stats.misses[0]?.message).toContain('toolResponse.functionResponses[0].response');
  });
});
