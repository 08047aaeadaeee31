import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../src/contract/classify-finding.js';

describe('docs/drift-rules.md', () => {
  it('lists every check id with its default severity', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../docs/drift-rules.md'), 'utf8');
    for (const [check, severity] of Object.entries(CHECKS)) expect(doc).toContain(`| \`${check}\` | ${severity} |`);
  });
});
