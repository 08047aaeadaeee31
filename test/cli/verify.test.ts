import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cassette, tempDir, writeStore } from './cli-helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

// Built at run time so no credential-shaped literal sits in the repository.
const KEY = ['sk', 'proj', 'Zq3vT9xLm2Wc8Rb1Yd4Kp7Hs0Nf6Ug5J'].join('-');
const MASKED = `${KEY.slice(0, 4)}…(${KEY.length} chars)`;
let n = 0;
const storePath = (): string => join(tmp.dir, `verify-${++n}.db`);

interface Finding {
  kind: string;
  where: string;
  pattern?: string;
  masked?: string;
  message?: string;
}

describe('cassette verify on a SQLite store', () => {
  it('exits 0 on a clean store', async () => {
    const store = storePath();
    await writeStore(store, { clean: [[{}, { streamed: true }]] });
    const r = await cassette(['verify', '--store', store], tmp.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('clean');
    const j = await cassette(['verify', '--store', store, '--json'], tmp.dir);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: true, findings: [] });
  });

  it('finds a planted sk-proj key, names the step, masks the value', async () => {
    const store = storePath();
    await writeStore(store, { clean: [[{}]], leaky: [[{}, { ask: `my key is ${KEY}, keep it safe` }]] });
    const r = await cassette(['verify', '--store', store], tmp.dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('episode "leaky" take 1 step 2 at request.body.json.messages[1].content');
    expect(r.stdout).toContain(MASKED);
    expect(r.stdout).not.toContain(KEY);
    expect(r.stderr).not.toContain(KEY);
    expect(r.stderr).toContain('1 credential finding');
    const j = await cassette(['verify', '--store', store, '--json'], tmp.dir);
    expect(j.code).toBe(1);
    expect(j.stdout).not.toContain(KEY);
    const doc = JSON.parse(j.stdout) as { ok: boolean; findings: Finding[] };
    expect(doc.ok).toBe(false);
    // Found once, in the parsed row: the raw-bytes scan does not report it again.
    expect(doc.findings).toEqual([
      {
        kind: 'credential',
        where: 'episode "leaky" take 1 step 2 at request.body.json.messages[1].content',
        pattern: 'secret key (sk-...)',
        masked: MASKED,
      },
    ]);
  });

  it('finds a key left in the file after its episode was removed', async () => {
    const store = storePath();
    await writeStore(store, { clean: [[{}]], leaky: [[{ answer: `here: ${KEY}` }]] });
    expect((await cassette(['rm', 'leaky', '--store', store], tmp.dir)).code).toBe(0);
    const r = await cassette(['verify', '--store', store, '--json'], tmp.dir);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain(KEY);
    const { findings } = JSON.parse(r.stdout) as { findings: Finding[] };
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(f).toMatchObject({ kind: 'credential', masked: MASKED });
      expect(f.where).toMatch(/verify-\d+\.db(-wal)? \(byte \d+, outside the parsed rows\)$/);
    }
  });

  it('masks a secret that is an object key, in the where too', async () => {
    const store = storePath();
    await writeStore(store, { leaky: [[{ headers: { [KEY]: 'x' } }]] });
    const r = await cassette(['verify', '--store', store, '--json'], tmp.dir);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(KEY);
    expect(JSON.parse(r.stdout).findings).toEqual([
      {
        kind: 'credential',
        where: `episode "leaky" take 1 step 1 at request.headers.${MASKED} (key)`,
        pattern: 'secret key (sk-...)',
        masked: MASKED,
      },
    ]);
  });

  it('applies config verify.patterns', async () => {
    const cwd = join(tmp.dir, 'with-config');
    mkdirSync(cwd);
    writeFileSync(join(cwd, 'cassette.config.json'), JSON.stringify({ verify: { patterns: ['ACME-[0-9]{8}'] } }));
    const store = storePath();
    await writeStore(store, { internal: [[{ ask: 'token ACME-12345678 please' }]] });
    const r = await cassette(['verify', '--store', store, '--json'], cwd);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings).toMatchObject([{ kind: 'credential', pattern: 'verify.patterns[0]', masked: 'ACME…(13 chars)' }]);
    expect(r.stdout).not.toContain('ACME-12345678');
  });

  it('reports an interaction missing a required field as an integrity finding', async () => {
    const store = storePath();
    await writeStore(store, { broken: [[{ key: '' }]] });
    const r = await cassette(['verify', '--store', store, '--json'], tmp.dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings).toEqual([
      { kind: 'integrity', where: 'episode "broken" take 1 step 1', message: 'key is missing or malformed' },
    ]);
  });

  it('exits 3 when the store is missing or not a database', async () => {
    const missing = await cassette(['verify', '--store', join(tmp.dir, 'missing.db')], tmp.dir);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain('no store at');
    const junk = join(tmp.dir, 'junk.db');
    writeFileSync(junk, 'this is not a database, just some text that is long enough '.repeat(100));
    const r = await cassette(['verify', '--store', junk, '--json'], tmp.dir);
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'store_unreadable' } });
  });
});

describe('cassette verify on a directory', () => {
  it('finds a key in any file below it by file and line, and a take file that does not parse', async () => {
    const dir = join(tmp.dir, 'export');
    mkdirSync(join(dir, 'leaky', 'nested'), { recursive: true });
    const take = { format: 'llm-cassette/take@1', episode: 'leaky', take: 1, interactions: [{ request: { headers: { 'x-debug': KEY } } }] };
    writeFileSync(join(dir, 'leaky', 'take-1.json'), `${JSON.stringify(take, null, 2)}\n`);
    writeFileSync(join(dir, 'leaky', 'nested', 'notes.txt'), `first line\nBearer ${KEY}\n`);
    writeFileSync(join(dir, 'leaky', 'take-2.json'), '{"format": "llm-cassette/take@1", "interactions": [');
    const r = await cassette(['verify', '--store', dir, '--json'], tmp.dir);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain(KEY);
    expect(r.stderr).not.toContain(KEY);
    const { ok, findings } = JSON.parse(r.stdout) as { ok: boolean; findings: Finding[] };
    expect(ok).toBe(false);
    expect(findings).toContainEqual({
      kind: 'credential',
      where: `${join(dir, 'leaky', 'take-1.json')}:9`,
      pattern: 'secret key (sk-...)',
      masked: MASKED,
    });
    // `Bearer sk-...` is one secret: reported once, as the longer bearer match.
    expect(findings.filter((f) => f.where.startsWith(join(dir, 'leaky', 'nested')))).toEqual([
      {
        kind: 'credential',
        where: `${join(dir, 'leaky', 'nested', 'notes.txt')}:2`,
        pattern: 'bearer token',
        masked: expect.stringMatching(/^Bear…/),
      },
    ]);
    expect(findings).toContainEqual(expect.objectContaining({ kind: 'integrity', where: join(dir, 'leaky', 'take-2.json') }));
  });

  it('never prints the secret, even when a parse error quotes it', async () => {
    const dir = join(tmp.dir, 'export-3');
    mkdirSync(join(dir, 'ep'), { recursive: true });
    writeFileSync(join(dir, 'ep', 'take-1.json'), `{"token": ${KEY}}`);
    const r = await cassette(['verify', '--store', dir, '--json'], tmp.dir);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).not.toContain(KEY.slice(0, 9));
    expect(JSON.parse(r.stdout).findings).toContainEqual(
      expect.objectContaining({ kind: 'integrity', where: join(dir, 'ep', 'take-1.json') }),
    );
  });

  it('exits 0 on a clean directory store written by the store itself', async () => {
    const dir = join(tmp.dir, 'dir-store');
    await writeStore(dir, { one: [[{}, { streamed: true }]], two: [[{}], [{}]] });
    const r = await cassette(['verify', '--store', dir], tmp.dir);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(0);
  });

  it('exits 1 with the masked key in the readable listing', async () => {
    const dir = join(tmp.dir, 'export-2');
    mkdirSync(join(dir, 'ep'), { recursive: true });
    writeFileSync(join(dir, 'ep', 'take-1.json'), JSON.stringify({ note: KEY }));
    const r = await cassette(['verify', '--store', dir], tmp.dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`credential  ${join(dir, 'ep', 'take-1.json')}:1: secret key (sk-...) ${MASKED}`);
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });
});
