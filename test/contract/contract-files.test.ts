import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readContract, readContracts, stableStringify, writeContract } from '../../src/contract/contract-files.js';
import { inferContracts } from '../../src/contract/infer-contract.js';
import { allCorpus } from './corpus-interactions.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';

// Each contracts- directory is removed after its test: npm test leaves nothing in /tmp.
useCleanup();

describe('contract files', () => {
  it('are deterministic: same recordings, same bytes, in any order', () => {
    const a = inferContracts(allCorpus()).map(stableStringify);
    const b = inferContracts(allCorpus().reverse()).map(stableStringify);
    expect(a).toEqual(b);
  });

  it('sort keys, indent by two spaces and end with a newline', () => {
    const text = stableStringify({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } });
    expect(text).toBe('{\n  "a": {\n    "d": [\n      3,\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n');
  });

  it('write one file per provider and read back what was written', () => {
    const dir = tempDir('contracts-');
    const contracts = inferContracts(allCorpus());
    for (const c of contracts) expect(writeContract(dir, c).changed).toBe(true);
    for (const c of contracts) expect(writeContract(dir, c).changed).toBe(false);
    const { contracts: read, problems } = readContracts(dir);
    expect(problems).toEqual([]);
    expect([...read.keys()].sort()).toEqual(contracts.map((c) => c.provider).sort());
    for (const c of contracts) expect(stableStringify(read.get(c.provider))).toBe(readFileSync(join(dir, `${c.provider}.json`), 'utf8'));
  });

  it('report a broken or foreign file instead of throwing', () => {
    const dir = tempDir('contracts-');
    writeFileSync(join(dir, 'openai.json'), '{ nope');
    writeFileSync(join(dir, 'gemini.json'), JSON.stringify({ version: 2, provider: 'gemini' }));
    const { contracts, problems } = readContracts(dir);
    expect(contracts.size).toBe(0);
    expect(problems.map((p) => p.provider).sort()).toEqual(['gemini', 'openai']);
    expect('problem' in readContract(join(dir, 'missing.json'))).toBe(true);
  });
});
