import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runContractCheck } from '../../src/contract/run-contract-check.js';
import { runContractUpdate } from '../../src/contract/run-contract-update.js';
import type { Interaction } from '../../src/types.js';
import { allCorpus, corpus } from './corpus-interactions.js';
import { memoryStore } from './memory-store.js';
import { editBody, retake } from './mutate.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';

// Each contracts- directory is removed after its test: npm test leaves nothing in /tmp.
useCleanup();

async function setup(): Promise<{ dir: string; recordings: Interaction[] }> {
  const dir = tempDir('contracts-');
  const recordings = allCorpus();
  const update = await runContractUpdate(memoryStore(recordings), { contractsDir: dir });
  expect(update.contracts.map((c) => c.provider)).toEqual([
    'anthropic',
    'deepseek',
    'gemini',
    'groq',
    'ollama',
    'openai',
    'openrouter',
    'together',
  ]);
  expect(update.violations).toEqual([]);
  return { dir, recordings };
}

const newFinishReason = (): Interaction =>
  editBody(retake(corpus('openai/chat-completions-basic.json')), (j) => void (j.choices[0].finish_reason = 'paused'));
const newField = (): Interaction =>
  editBody(retake(corpus('openai/chat-completions-tool-result-followup.json')), (j) => void (j.extra = 1));

describe('contract update and check over a store', () => {
  it('passes with exit 0 when nothing drifted', async () => {
    const { dir, recordings } = await setup();
    const result = await runContractCheck(memoryStore(recordings), { contractsDir: dir });
    expect(result).toMatchObject({ ok: true, exitCode: 0, findings: [], unchecked: [], unobserved: [] });
    expect(result.checked).toHaveLength(8);
  });

  it('compares the newest take: exit 1 on breaking drift', async () => {
    const { dir, recordings } = await setup();
    const result = await runContractCheck(memoryStore([...recordings, newFinishReason()]), { contractsDir: dir });
    expect(result.exitCode).toBe(1);
    expect(result.ok).toBe(false);
    expect(result.counts.breaking).toBe(1);
  });

  it('honours --fail-on', async () => {
    const { dir, recordings } = await setup();
    const store = memoryStore([...recordings, newField()]);
    expect((await runContractCheck(store, { contractsDir: dir })).exitCode).toBe(0);
    expect((await runContractCheck(store, { contractsDir: dir, failOn: 'warning' })).exitCode).toBe(0);
    expect((await runContractCheck(store, { contractsDir: dir, failOn: 'info' })).exitCode).toBe(1);
    expect((await runContractCheck(memoryStore([...recordings, newFinishReason()]), { contractsDir: dir, failOn: 'never' })).exitCode).toBe(
      0,
    );
  });

  it('exits 3 when a provider has no usable baseline', async () => {
    const { dir, recordings } = await setup();
    writeFileSync(join(dir, 'groq.json'), 'garbage');
    const stranger = { ...corpus('openai/chat-completions-basic.json'), provider: 'mistral' };
    const result = await runContractCheck(memoryStore([...recordings, stranger]), { contractsDir: dir });
    expect(result.exitCode).toBe(3);
    expect(result.unchecked.map((u) => u.provider).sort()).toEqual(['groq', 'mistral']);
  });

  it('applies severity overrides and the dated ignore list', async () => {
    const { dir, recordings } = await setup();
    const store = memoryStore([...recordings, newFinishReason()]);
    const demoted = await runContractCheck(store, { contractsDir: dir, config: { severity: { 'discriminator-value-new': 'warning' } } });
    expect(demoted.exitCode).toBe(0);
    expect(demoted.findings[0]!.severity).toBe('warning');
    const off = await runContractCheck(store, { contractsDir: dir, config: { severity: { 'discriminator-value-new': 'off' } } });
    expect(off.findings).toEqual([]);
    expect(off.suppressed).toHaveLength(1);
    const ignore = [{ check: 'discriminator-value-new', path: 'choices[].*', provider: 'openai', until: '2030-01-01', reason: 'rollout' }];
    const ignored = await runContractCheck(store, { contractsDir: dir, config: { ignore }, today: '2029-12-31' });
    expect(ignored.exitCode).toBe(0);
    const expired = await runContractCheck(store, { contractsDir: dir, config: { ignore }, today: '2030-01-02' });
    expect(expired.exitCode).toBe(1);
    expect(expired.expiredIgnores).toEqual(ignore);
  });

  it('limits the check to some providers or episodes', async () => {
    const { dir, recordings } = await setup();
    const store = memoryStore([...recordings, newFinishReason()]);
    expect((await runContractCheck(store, { contractsDir: dir, providers: ['anthropic'] })).exitCode).toBe(0);
    expect((await runContractCheck(store, { contractsDir: dir, episodes: ['gemini.generate-content-basic'] })).unobserved).toContain(
      'openai',
    );
  });
});
