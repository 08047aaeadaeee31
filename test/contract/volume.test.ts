/** Volume: inference streams through many interactions in one pass (not a timed assertion). */
import { describe, expect, it } from 'vitest';
import { checkInteractions } from '../../src/contract/run-contract-check.js';
import { updateFromInteractions } from '../../src/contract/run-contract-update.js';
import { syntheticInteractions } from './synthetic.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';

// Each contracts- directory is removed after its test: npm test leaves nothing in /tmp.
useCleanup();

describe('volume', () => {
  it('infers a baseline from 20,000 interactions and checks a new take against it', () => {
    const dir = tempDir('contracts-');
    const update = updateFromInteractions(syntheticInteractions(20_000), { contractsDir: dir });
    expect(update.contracts.reduce((n, c) => n + c.interactions, 0)).toBe(20_000);
    const check = checkInteractions(syntheticInteractions(3_000, 2), { contractsDir: dir });
    expect(check.findings).toEqual([]);
    expect(check.exitCode).toBe(0);
  }, 60_000);
});
