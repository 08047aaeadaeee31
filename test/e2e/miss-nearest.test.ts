// Issue 14 item 21: the miss explanation weighs differences by content. A request that is a
// recording plus one appended message (the agent loop went one step further) is nearest to that
// recording, not to another recording of the same length whose question differs by a word.
import { describe, expect, it } from 'vitest';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { errorOf, settle } from '../helpers/record-replay.js';
import { openaiClient } from '../helpers/sdk.js';

useCleanup();

type Message = { role: 'user' | 'assistant'; content: string };
const PARIS: Message = { role: 'user', content: 'What is the weather in Paris today?' };
const ROME: Message = { role: 'user', content: 'What is the weather in Rome today?' };
const CHECKING: Message = { role: 'assistant', content: 'Let me check the forecast.' };

describe('the nearest recording of a miss', () => {
  it('is the one the request extends by an appended message', async () => {
    const upstream = await startFakeUpstream('openai/chat-completions-basic.json');
    const store = tempStore();
    const live = await startProxy({ mode: 'live', store, episode: 'loop', upstream: [`openai=${upstream.url}`] });
    await openaiClient(live).chat.completions.create({ model: 'gpt-4o', messages: [PARIS] });
    await openaiClient(live).chat.completions.create({ model: 'gpt-4o', messages: [ROME, CHECKING] });
    await live.stop();

    const golden = await startProxy({ mode: 'golden', store, episode: 'loop' });
    const err = errorOf(
      await settle(() => openaiClient(golden).chat.completions.create({ model: 'gpt-4o', messages: [PARIS, CHECKING] })),
      'appended message',
    ) as { error: { message: string } };
    expect(err.error.message).toMatch(/nearest recording: step 1\b/i);
    expect(err.error.message).toContain('message 2 (assistant) added');
  });

  it('still prefers the prompt one word apart over an unrelated one', async () => {
    const upstream = await startFakeUpstream('openai/chat-completions-basic.json');
    const store = tempStore();
    const live = await startProxy({ mode: 'live', store, episode: 'words', upstream: [`openai=${upstream.url}`] });
    await openaiClient(live).chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Summarise the release notes.' }],
    });
    await openaiClient(live).chat.completions.create({ model: 'gpt-4o', messages: [ROME] });
    await live.stop();
    const golden = await startProxy({ mode: 'golden', store, episode: 'words' });
    const err = errorOf(
      await settle(() => openaiClient(golden).chat.completions.create({ model: 'gpt-4o', messages: [PARIS] })),
      'one word',
    ) as { error: { message: string } };
    expect(err.error.message).toMatch(/nearest recording: step 2\b/i);
  });
});
