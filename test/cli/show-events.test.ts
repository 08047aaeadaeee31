// Issue 14 item 24: `cassette show EP --events` prints a stream as a timeline: time, event name,
// the text each event added, and where the first token came, for any family's stream.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Interaction } from '../../src/types.js';
import { cassette, chatInteraction, tempDir } from './cli-helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const chunk = (content: string | undefined, finish?: string): string =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: 'gpt-4o-mini', choices: [{ index: 0, delta: content === undefined ? { role: 'assistant' } : { content }, finish_reason: finish ?? null }] })}\n\n`;

function streamed(episode: string, events: { ms: number; raw: string }[], anthropic = false): Interaction {
  const base = chatInteraction(episode, 1, { anthropic, streamed: true });
  return {
    ...base,
    response: { status: 200, headers: { 'content-type': 'text/event-stream' }, stream: { format: 'sse', complete: true, events } },
  };
}

async function write(store: string, episode: string, interaction: Interaction): Promise<void> {
  const s = await openStore(store);
  try {
    const w = await s.beginTake(episode, 'live');
    await w.append(interaction);
    await w.finish();
  } finally {
    await s.close();
  }
}

describe('cassette show EP --events', () => {
  it('an OpenAI chat stream: t+ms, event, delta text, first token marked', async () => {
    const store = join(tmp.dir, 's.db');
    await write(
      store,
      'chat',
      streamed('chat', [
        { ms: 120, raw: chunk(undefined) },
        { ms: 180, raw: chunk('Hel') },
        { ms: 190, raw: chunk('lo!') },
        { ms: 200, raw: chunk('', 'stop') },
        { ms: 201, raw: 'data: [DONE]\n\n' },
      ]),
    );
    const r = await cassette(['show', 'chat', '--events', '--store', store], tmp.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\+120 ms {2}data {2}\d+ bytes\n/);
    expect(r.stdout).toMatch(/\+180 ms {2}data {2}\d+ bytes {2}"Hel" {2}← first token\n/);
    expect(r.stdout).toMatch(/\+190 ms {2}data {2}\d+ bytes {2}"lo!"\n/);
    expect(r.stdout).toContain('first token at +180 ms, 5 events over 201 ms');
  });

  it('an Anthropic stream names its events', async () => {
    const store = join(tmp.dir, 's.db');
    const ev = (name: string, data: unknown): string => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
    await write(
      store,
      'claude',
      streamed(
        'claude',
        [
          {
            ms: 300,
            raw: ev('message_start', {
              type: 'message_start',
              message: { id: 'm', model: 'claude-x', content: [], usage: { input_tokens: 5, output_tokens: 1 } },
            }),
          },
          { ms: 301, raw: ev('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }) },
          {
            ms: 350,
            raw: ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Bonjour' } }),
          },
          { ms: 360, raw: ev('content_block_stop', { type: 'content_block_stop', index: 0 }) },
          { ms: 361, raw: ev('message_stop', { type: 'message_stop' }) },
        ],
        true,
      ),
    );
    const r = await cassette(['show', 'claude', '--events', '--store', store], tmp.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\+350 ms {2}content_block_delta {2}\d+ bytes {2}"Bonjour" {2}← first token/);
    expect(r.stdout).toContain('first token at +350 ms');
  });
});
