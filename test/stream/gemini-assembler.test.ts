import { describe, expect, it } from 'vitest';
import { assembleEvents, assembleJson } from '../../src/providers/assemblers.js';

describe('gemini assembler', () => {
  it('reads cached tokens, function call ids, other parts without inline bytes, and an error chunk', () => {
    const assembled = assembleEvents(
      'gemini',
      'json-array',
      [
        JSON.stringify({
          candidates: [
            {
              content: {
                parts: [{ functionCall: { id: 'fc1', name: 'f' } }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }],
              },
            },
          ],
        }),
        `,${JSON.stringify({ candidates: [{ finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 2, cachedContentTokenCount: 8 } })}`,
        `,${JSON.stringify({ error: { code: 500, status: 'INTERNAL' } })}`,
        ']',
      ].map((piece, i) => (i === 0 ? `[${piece}` : piece)),
    );
    expect(assembled).toEqual({
      text: '',
      toolCalls: [{ id: 'fc1', name: 'f', arguments: {} }],
      finishReason: 'STOP',
      usage: { inputTokens: 10, outputTokens: 2, cacheReadTokens: 8 },
      extra: { otherParts: [{ inlineData: { mimeType: 'image/png' } }], error: { code: 500, status: 'INTERNAL' } },
    });
  });

  it('reports a blocked prompt as the finish reason', () => {
    const json = { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 4 } };
    expect(assembleJson('gemini', json)).toEqual({
      text: '',
      toolCalls: [],
      finishReason: 'SAFETY',
      usage: { inputTokens: 4, outputTokens: 0 },
      extra: { blockReason: 'SAFETY' },
    });
  });

  it('is not an answer when the JSON is an error envelope', () => {
    expect(assembleJson('gemini', { error: { code: 404 } })).toBeUndefined();
    expect(assembleJson('gemini', [])).toBeUndefined();
  });
});
