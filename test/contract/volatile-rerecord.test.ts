/** Re-recording the same requests, with only volatile values changed, gives zero findings. */
import { describe, expect, it } from 'vitest';
import { allCorpus } from './corpus-interactions.js';
import { drift, summary } from './drift-helpers.js';
import { retake, volatileRerecord } from './mutate.js';

describe('volatile re-record', () => {
  it('finds nothing when the whole corpus is recorded again unchanged', () => {
    expect(summary(drift(allCorpus().map((i) => retake(i))))).toBe('(no findings)');
  });

  it('finds nothing when ids, timestamps, usage numbers and fingerprints all changed', () => {
    for (const seed of [1, 2, 3]) {
      const rerecorded = allCorpus().map((i, n) => volatileRerecord(i, seed * 1000 + n));
      expect(summary(drift(rerecorded))).toBe('(no findings)');
    }
  });

  it('really changed the volatile values', () => {
    const before = allCorpus().find((i) => i.episode === 'openai.chat-completions-basic')!;
    const after = volatileRerecord(before, 7);
    const a = before.response.body?.kind === 'json' ? (before.response.body.json as Record<string, any>) : {};
    const b = after.response.body?.kind === 'json' ? (after.response.body.json as Record<string, any>) : {};
    expect(b.id).not.toBe(a.id);
    expect(b.id.startsWith('chatcmpl-')).toBe(true);
    expect(b.created).not.toBe(a.created);
    expect(b.system_fingerprint).not.toBe(a.system_fingerprint);
    expect(b.usage.total_tokens).not.toBe(a.usage.total_tokens);
  });

  it('finds nothing when every stream is re-recorded on its own (a partial check)', () => {
    for (const i of allCorpus().filter((x) => x.response.stream)) {
      expect(summary(drift([volatileRerecord(i, i.position)])), i.episode).toBe('(no findings)');
    }
  });
});
