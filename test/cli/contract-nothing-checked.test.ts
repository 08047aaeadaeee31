// Issue 14 item 7: `contract check` that compared nothing (an empty store, a typo in --episode or
// --provider) is "could not check" (exit 3), never "no drift"; derived episodes (`*.probe`,
// `*.live`) feed neither `contract update` nor an offline check.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cassette, tempDir, writeStore } from './cli-helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('contract check that checked nothing', () => {
  it('an empty store is exit 3, not OK', async () => {
    await writeStore(join(tmp.dir, 'store.db'), {});
    const r = await cassette(['contract', 'check', '--store', 'store.db'], tmp.dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('NOT CHECKED');
    expect(r.stderr).toContain('nothing recorded to compare');
    expect(r.stderr).not.toMatch(/\bOK\b/);
  });

  it('a typo in --episode or --provider is exit 3; the right names pass', async () => {
    await writeStore(join(tmp.dir, 'store.db'), { checkout: [[{}, {}]] });
    expect((await cassette(['contract', 'update', '--store', 'store.db'], tmp.dir)).code).toBe(0);
    expect((await cassette(['contract', 'check', '--store', 'store.db', '--episode', 'checkout'], tmp.dir)).code).toBe(0);

    const episode = await cassette(['contract', 'check', '--store', 'store.db', '--episode', 'chekout', '--json'], tmp.dir);
    expect(episode.code).toBe(3);
    const doc = JSON.parse(episode.stdout) as { ok: boolean };
    expect(doc.ok).toBe(false);
    expect(episode.stdout).toContain('chekout');

    const provider = await cassette(['contract', 'check', '--store', 'store.db', '--provider', 'opnai'], tmp.dir);
    expect(provider.code).toBe(3);
    expect(provider.stderr).toContain('"opnai"');
  });

  it('derived episodes are never a baseline nor checked offline', async () => {
    await writeStore(join(tmp.dir, 'store.db'), {
      checkout: [[{}]],
      'checkout.live': [[{}, {}, {}]],
      'checkout.probe': [[{}, {}]],
    });
    expect((await cassette(['contract', 'update', '--store', 'store.db'], tmp.dir)).code).toBe(0);
    const baseline = JSON.parse(readFileSync(join(tmp.dir, 'contracts', 'openai.json'), 'utf8')) as { interactions: number };
    expect(baseline.interactions).toBe(1);
    const derived = await cassette(['contract', 'check', '--store', 'store.db', '--episode', 'checkout.live'], tmp.dir);
    expect(derived.code).toBe(3);
  });
});
