import { describe, expect, it } from 'vitest';
import { builtinSchemaFor, validateSample } from '../../src/contract/builtin-schemas.js';
import { endpointPartsOf } from '../../src/contract/endpoint-of.js';
import { readSamples } from '../../src/contract/read-samples.js';
import type { Interaction } from '../../src/types.js';
import { allCorpus, corpus } from './corpus-interactions.js';
import { editBody, editEvents } from './mutate.js';

function violations(i: Interaction): string[] {
  const parts = endpointPartsOf(i);
  const schema = builtinSchemaFor(i.family, parts.route, parts.stream, parts.statusClass);
  if (!schema) return [];
  return readSamples(i).docs.flatMap((d) => validateSample(schema, d).map((v) => `${v.path}: ${v.message}`));
}

describe('built-in schemas', () => {
  it('are satisfied by every real recording of the corpus', () => {
    for (const i of allCorpus()) expect(violations(i), i.episode).toEqual([]);
  });

  it('cover each known endpoint', () => {
    const names = new Set(
      allCorpus().map((i) => {
        const p = endpointPartsOf(i);
        return builtinSchemaFor(i.family, p.route, p.stream, p.statusClass)?.name;
      }),
    );
    for (const name of [
      'openai-chat',
      'openai-chat-chunk',
      'openai-responses',
      'openai-responses-events',
      'openai-embeddings',
      'anthropic-messages',
      'anthropic-messages-events',
      'gemini-generate-content',
      'openai-error',
      'anthropic-error',
      'gemini-error',
    ]) {
      expect(names).toContain(name);
    }
  });

  it('name the path that is missing', () => {
    const chat = editBody(corpus('openai/chat-completions-basic.json'), (j) => void delete j.choices[0].message.content);
    expect(violations(chat)).toEqual(['choices[].message.content: Invalid input: expected string, received undefined']);
    const stream = editEvents(corpus('anthropic/messages-stream-basic.json'), (j) => {
      if (j.type === 'content_block_delta') j.delta.text = 42;
    });
    expect(violations(stream)[0]).toMatch(/^content_block_delta:delta\.text: /);
  });

  it('let unknown block and event types pass: SDKs skip them', () => {
    const msg = editBody(corpus('anthropic/messages-basic.json'), (j) => void j.content.push({ type: 'hologram' }));
    expect(violations(msg)).toEqual([]);
  });

  it('accept Gemini answers blocked at the prompt', () => {
    const blocked = editBody(corpus('gemini/generate-content-basic.json'), () => ({ promptFeedback: { blockReason: 'SAFETY' } }));
    expect(violations(blocked)).toEqual([]);
    const empty = editBody(corpus('gemini/generate-content-basic.json'), () => ({ modelVersion: 'x' }));
    expect(violations(empty)).toEqual(['candidates: Neither candidates nor promptFeedback']);
  });
});
