import { describe, expect, it } from 'vitest';
import { lastUserText, truncate } from '../../src/match/message-text.js';
import { percentile } from '../../src/cli/summarize-interactions.js';

describe('lastUserText', () => {
  it('reads chat messages, content parts, Gemini contents, Responses input and prompts', () => {
    expect(
      lastUserText({
        messages: [
          { role: 'user', content: 'one' },
          { role: 'assistant', content: 'x' },
          { role: 'user', content: 'two' },
        ],
      }),
    ).toBe('two');
    expect(
      lastUserText({
        messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'image' }, { type: 'text', text: 'b' }] }],
      }),
    ).toBe('a b');
    expect(
      lastUserText({
        contents: [
          { role: 'user', parts: [{ text: 'hi gemini' }] },
          { role: 'model', parts: [{ text: 'yo' }] },
        ],
      }),
    ).toBe('hi gemini');
    expect(lastUserText({ input: 'plain input' })).toBe('plain input');
    expect(
      lastUserText({
        input: [
          { role: 'user', content: [{ type: 'input_text', text: 'responses' }] },
          { type: 'function_call_output', output: '{}' },
        ],
      }),
    ).toBe('responses');
    expect(lastUserText({ input: ['first', 'second'] })).toBe('second');
    expect(lastUserText({ prompt: 'generate' })).toBe('generate');
    expect(lastUserText('not an object')).toBeUndefined();
  });

  it('truncates to one line', () => {
    expect(truncate('a\n  b', 10)).toBe('a b');
    expect(truncate('x'.repeat(20), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([300, 100, 200], 50)).toBe(200);
    expect(
      percentile(
        [...Array(100).keys()].map((k) => k + 1),
        95,
      ),
    ).toBe(95);
  });
});
