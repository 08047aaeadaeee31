/** Smoke mode: one live answer at a time against the baseline. */
import { describe, expect, it } from 'vitest';
import { checkAnswer } from '../../src/contract/check-answer.js';
import { corpus } from './corpus-interactions.js';
import { corpusBaselines, summary } from './drift-helpers.js';
import { editBody, editEvents, mapRawEvents, retake, volatileRerecord } from './mutate.js';

const openai = () => corpusBaselines().get('openai')!;
const anthropic = () => corpusBaselines().get('anthropic')!;

describe('checkAnswer', () => {
  it('finds nothing in a normal answer, even one lacking optional paths', () => {
    expect(summary(checkAnswer(openai(), volatileRerecord(corpus('openai/chat-completions-basic.json'), 1)))).toBe('(no findings)');
    expect(summary(checkAnswer(anthropic(), volatileRerecord(corpus('anthropic/messages-stream-basic.json'), 2)))).toBe('(no findings)');
  });

  it('finds breaking drift in one answer', () => {
    const answer = editBody(retake(corpus('openai/chat-completions-basic.json')), (j) => void delete j.choices[0].message.role);
    const f = checkAnswer(openai(), answer);
    expect(f.map((x) => `${x.severity} ${x.check} ${x.path}`)).toEqual([
      'breaking path-removed choices[].message.role',
      'breaking schema-violation choices[].message.role',
    ]);
  });

  it('checks a streamed answer', () => {
    const answer = mapRawEvents(retake(corpus('anthropic/messages-stream-basic.json')), (raw) =>
      raw.startsWith('event: message_stop') ? null : raw,
    );
    const checks = checkAnswer(anthropic(), answer).map((f) => f.check);
    expect(checks).toContain('stream-terminator-missing');
    const renamed = editEvents(retake(corpus('anthropic/messages-stream-basic.json')), (j) => {
      if (j.type === 'content_block_delta') j.delta.type = 'text_delta_v2';
    });
    expect(checkAnswer(anthropic(), renamed).map((f) => f.check)).toContain('discriminator-value-new');
  });

  it('does not judge the end of a stream that was cut short', () => {
    const cut = retake(corpus('anthropic/messages-stream-basic.json'));
    cut.response.stream!.events = cut.response.stream!.events.slice(0, 3);
    cut.response.stream!.complete = false;
    cut.complete = false;
    expect(summary(checkAnswer(anthropic(), cut))).toBe('(no findings)');
  });

  it('applies config when given', () => {
    const answer = editBody(retake(corpus('openai/chat-completions-basic.json')), (j) => void (j.extra = true));
    expect(checkAnswer(openai(), answer).map((f) => f.check)).toEqual(['path-new']);
    expect(checkAnswer(openai(), answer, { severity: { 'path-new': 'off' } })).toEqual([]);
  });

  it('is cheap enough to run per request', () => {
    const answer = retake(corpus('openai/chat-completions-stream-include-usage.json'));
    const start = performance.now();
    for (let n = 0; n < 200; n++) checkAnswer(openai(), answer);
    // Generous bound: a regression to whole-store work would be orders of magnitude slower.
    expect((performance.now() - start) / 200).toBeLessThan(20);
  });
});
