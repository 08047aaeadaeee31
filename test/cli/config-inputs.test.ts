// Issue 14 item 17 (part): CASSETTE_MODE is case-insensitive like TEST_MODE, a bad CASSETTE_SEED is
// named as such (not as --seed), and a config file with a UTF-8 BOM is read.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cassette, tempDir } from './cli-helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const run = ['run', '--store', 'dir-store', '--json', '--', process.execPath, '-e', ''];

describe('environment and config inputs', () => {
  it('CASSETTE_MODE=MOCK is mock mode', async () => {
    const r = await cassette(run, tmp.dir, { CASSETTE_MODE: 'MOCK' });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, mode: 'mock' });
  });

  it('a bad CASSETTE_SEED names CASSETTE_SEED', async () => {
    const r = await cassette(run, tmp.dir, { CASSETTE_SEED: 'abc' });
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.message).toMatch(/^CASSETTE_SEED /);
  });

  it('a config file starting with a UTF-8 BOM is read', async () => {
    writeFileSync(join(tmp.dir, 'cassette.config.json'), '\uFEFF{"redact": []}\n');
    const r = await cassette(run, tmp.dir);
    expect(r.code, r.stderr).toBe(0);
  });
});
