/** Drift kinds in JSON bodies, made by mutating real recordings of the corpus. */
import { describe, expect, it } from 'vitest';
import { ContractBuilder } from '../../src/contract/infer-contract.js';
import { corpus } from './corpus-interactions.js';
import { drift, expectFinding, summary, worst } from './drift-helpers.js';
import { editBody, retake } from './mutate.js';

const chat = (): ReturnType<typeof corpus> => retake(corpus('openai/chat-completions-basic.json'));

describe('JSON body drift', () => {
  it('flags a new value of a declared discriminator as breaking', () => {
    const i = editBody(chat(), (j) => void (j.choices[0].finish_reason = 'end_of_turn'));
    const f = drift([i]);
    const found = expectFinding(f, 'discriminator-value-new', 'breaking', 'choices[].finish_reason');
    expect(found.message).toContain('end_of_turn');
    expect(found.baseline.summary).toContain('"stop"');
    expect(found.interactions).toEqual([`openai.chat-completions-basic/2/${i.position}`]);
    expect(f).toHaveLength(1);
  });

  it('accepts a documented value of a discriminator that no recording showed yet', () => {
    const f = drift([editBody(chat(), (j) => void (j.choices[0].finish_reason = 'length'))]);
    expect(summary(f)).toBe('(no findings)');
  });

  it('flags a removed required field as breaking', () => {
    const f = drift([editBody(chat(), (j) => void delete j.system_fingerprint)]);
    expectFinding(f, 'path-removed', 'breaking', 'system_fingerprint');
    expect(f).toHaveLength(1);
  });

  it('flags a removed field the built-in schema requires twice: path and schema', () => {
    const f = drift([editBody(chat(), (j) => void delete j.usage.total_tokens)]);
    expectFinding(f, 'path-removed', 'breaking', 'usage.total_tokens');
    expectFinding(f, 'schema-violation', 'breaking', 'usage.total_tokens');
  });

  it('flags a type change as breaking', () => {
    const f = drift([editBody(chat(), (j) => void (j.created = String(j.created)))]);
    const found = expectFinding(f, 'type-changed', 'breaking', 'created');
    expect(found.observed.summary).toContain('string×1');
  });

  it('flags null where a field was never null as breaking', () => {
    const f = drift([editBody(chat(), (j) => void (j.service_tier = null))]);
    expectFinding(f, 'became-nullable', 'breaking', 'service_tier');
  });

  it('reports a new field as info, once, at its top', () => {
    const f = drift([editBody(chat(), (j) => void (j.safety = { level: 'ok', categories: ['a'] }))]);
    expectFinding(f, 'path-new', 'info', 'safety');
    expect(f).toHaveLength(1);
  });

  it('warns when a value that was always null now has a type', () => {
    const f = drift([editBody(chat(), (j) => void (j.choices[0].logprobs = { content: [] }))]);
    expectFinding(f, 'type-from-null', 'warning', 'choices[].logprobs');
    expect(worst(f)).toBe('warning');
  });

  it('warns when an id changes format', () => {
    const f = drift([editBody(chat(), (j) => void (j.id = 'gen-1760728905-AbCdEfGhIjKlMnOpQrSt'))]);
    const found = expectFinding(f, 'format-changed', 'warning', 'id');
    expect(found.message).toContain('prefix:chatcmpl-');
    expect(found.message).toContain('prefix:gen-');
  });

  it('warns when an array that never was empty is', () => {
    const f = drift([editBody(chat(), (j) => void (j.choices = []))]);
    expectFinding(f, 'array-now-empty', 'warning', 'choices');
  });

  it('warns when a required path is only sometimes present', () => {
    const a = chat();
    const b = editBody(retake(corpus('openai/chat-completions-tool-result-followup.json')), (j) => void delete j.service_tier);
    const f = drift([a, b]);
    const found = expectFinding(f, 'path-now-optional', 'warning', 'service_tier');
    expect(found.observed.summary).toContain('1/2');
    expect(found.interactions).toEqual([`${b.episode}/2/${b.position}`]);
  });

  it('breaks on a built-in schema violation the recordings did not have', () => {
    const msg = editBody(retake(corpus('anthropic/messages-basic.json')), (j) => void delete j.content[0].text);
    const f = drift([msg]);
    const found = expectFinding(f, 'schema-violation', 'breaking', 'content[].text');
    expect(found.message).toContain('anthropic-messages');
  });

  it('infers enums only with enough samples, then warns on a new value', () => {
    // Six recordings of the same endpoint make `service_tier` an inferred enum.
    const recordings = [1, 2, 3, 4, 5, 6].map((n) => {
      const i = corpus('openai/chat-completions-basic.json');
      i.episode = `e${n}`;
      i.key = `key${n}`;
      return i;
    });
    const builder = new ContractBuilder().addAll(recordings);
    const baseline = new Map([['openai', builder.baseline('openai')]]);
    const path = baseline.get('openai')!.endpoints['openai POST /v1/chat/completions json 2xx']!.paths.service_tier!;
    expect(path.enum).toBe('inferred');
    expect(path.values).toEqual({ default: 6 });
    const f = drift([editBody(retake(recordings[0]!), (j) => void (j.service_tier = 'priority'))], baseline);
    expectFinding(f, 'enum-value-new', 'warning', 'service_tier');
    // The corpus alone (three recordings) is too few: no enum, no finding.
    expect(drift([editBody(chat(), (j) => void (j.service_tier = 'priority'))])).toEqual([]);
  });
});
