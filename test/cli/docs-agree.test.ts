// Issue 14 item 17: places where the docs and the binary disagreed, each checked through the CLI.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors.js';
import { POSTGRES_MIGRATIONS } from '../../src/store/postgres/postgres-migrations.js';
import { parseStoreLocation } from '../../src/store/store-location.js';
import { cassette, tempDir, writeStore } from './cli-helpers.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const config = (value: unknown): void => writeFileSync(join(tmp.dir, 'cassette.config.json'), JSON.stringify(value));

describe('docs and behaviour agree', () => {
  it('the config file is a layer for mode, episode and port; flags still win', async () => {
    config({ mode: 'mock', episode: 'from-config', port: 0 });
    const fromFile = JSON.parse((await cassette(['run', '--json', '--', process.execPath, '-e', '0'], tmp.dir)).stdout);
    expect(fromFile).toMatchObject({ ok: true, mode: 'mock', episode: 'from-config' });
    const flags = JSON.parse(
      (await cassette(['run', '--json', '--mode', 'golden', '--episode', 'flag', '--', process.execPath, '-e', '0'], tmp.dir)).stdout,
    );
    expect(flags).toMatchObject({ mode: 'golden', episode: 'flag' });
  });

  it('a mistyped config key gets a did-you-mean', async () => {
    config({ mdoe: 'live', match: { ignor: [] } });
    const r = await cassette(['ls'], tmp.dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean "mode"');
    expect(r.stderr).toContain('did you mean "ignore"');
  });

  it('an address no interface has is a --host problem, not a --port one', async () => {
    const r = await cassette(['serve', '--host', '192.0.2.1', '--port', '0'], tmp.dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('EADDRNOTAVAIL');
    expect(r.stderr).toContain('--host');
    expect(r.stderr).not.toContain('another --port');
  });

  it('a read-only command on an unreadable store does not ask for a writable path', async () => {
    writeFileSync(join(tmp.dir, 'bad.db'), 'not a database');
    const r = await cassette(['ls', '--store', 'bad.db'], tmp.dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('cannot open the SQLite store');
    expect(r.stderr).not.toContain('writable');
  });

  it('a failed import leaves no empty store behind', async () => {
    const missing = await cassette(['import', 'no-such-dir', '--store', 'new.db'], tmp.dir);
    expect(missing.code).toBe(2);
    expect(existsSync(join(tmp.dir, 'new.db'))).toBe(false);
    // A directory that is not an export: the take file cannot be read.
    mkdirSync(join(tmp.dir, 'junk', 'ep'), { recursive: true });
    writeFileSync(join(tmp.dir, 'junk', 'ep', 'take-1.json'), '{ not json');
    const broken = await cassette(['import', 'junk', '--store', 'new.db'], tmp.dir);
    expect(broken.code).not.toBe(0);
    expect(existsSync(join(tmp.dir, 'new.db'))).toBe(false);
    expect(existsSync(join(tmp.dir, 'new.db-wal'))).toBe(false);
  });

  it('ls prints costs as the docs show them ($0.0003, not $0.000300)', async () => {
    await writeStore(join(tmp.dir, 'store.db'), { checkout: [[{ usage: { inputTokens: 1000, outputTokens: 250 } }]] });
    const r = await cassette(['ls', '--store', 'store.db'], tmp.dir);
    expect(r.stdout).toMatch(/\s\$0\.0003\s/);
  });

  it('stats and contract update keep their talk on stderr', async () => {
    await writeStore(join(tmp.dir, 'store.db'), { checkout: [[{}]] });
    const stats = await cassette(['stats', '--store', 'store.db'], tmp.dir);
    expect(stats.stdout).not.toContain('list prices');
    expect(stats.stderr).toContain('list prices');
    const update = await cassette(['contract', 'update', '--store', 'store.db'], tmp.dir);
    expect(update.code).toBe(0);
    expect(update.stdout).toBe('');
    expect(update.stderr).toMatch(/wrote\s+.*openai\.json/);
  });

  it('cassette_mock_unsupported is a registered, documented code', () => {
    expect(ERROR_CODES).toHaveProperty('cassette_mock_unsupported');
    expect(readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8')).toContain('`cassette_mock_unsupported`');
  });

  describe('docs/stores.md', () => {
    const doc = readFileSync(new URL('../../docs/stores.md', import.meta.url), 'utf8');

    it('lists exactly the tables the PostgreSQL migrations create and keep (and cassette_schema)', () => {
      const all = POSTGRES_MIGRATIONS.join('\n');
      const dropped = new Set([...all.matchAll(/DROP TABLE (\w+)/g)].map((m) => m[1]));
      const created = [...all.matchAll(/CREATE TABLE (\w+)/g)].map((m) => m[1]).filter((t) => !dropped.has(t));
      const schema = doc.slice(doc.indexOf('### Schema'), doc.indexOf('### Read-through cache'));
      const documented = [...schema.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
      expect(documented.sort()).toEqual([...created, 'cassette_schema'].sort());
    });

    it('selects stores by the forms it documents', () => {
      expect(parseStoreLocation('cassettes/cassettes.db').kind).toBe('sqlite');
      expect(parseStoreLocation('a.SQLITE3').kind).toBe('sqlite');
      expect(parseStoreLocation('cassettes/').kind).toBe('directory');
      expect(parseStoreLocation('postgres://u:pw@h/db')).toEqual({ kind: 'postgres', location: 'postgres://u@h/db' });
      expect(parseStoreLocation('POSTGRESQL://h/db?sslmode=require&password=pw').location).toBe('POSTGRESQL://h/db?sslmode=require');
    });

    it('refuses an unknown URL scheme with exit 2, without printing the password or creating anything', async () => {
      const r = await cassette(['ls', '--store', 'mysql://u:hunter2@h/db'], tmp.dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('mysql://');
      expect(r.stderr + r.stdout).not.toContain('hunter2');
      expect(existsSync(join(tmp.dir, 'mysql:'))).toBe(false);
    });

    it('its docker-compose example builds the Dockerfile the repo ships and checks its health endpoint', () => {
      expect(doc).toContain('dockerfile: docker/Dockerfile');
      const dockerfile = readFileSync(new URL('../../docker/Dockerfile', import.meta.url), 'utf8');
      expect(dockerfile).toContain('/__cassette/health');
      expect(dockerfile).toContain('ENTRYPOINT ["node", "bin/cassette.js"]');
      expect(doc).toContain("fetch('http://127.0.0.1:8787/__cassette/health')");
      // Linked from where --store is described.
      expect(readFileSync(new URL('../../README.md', import.meta.url), 'utf8')).toContain('(docs/stores.md)');
      expect(readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8')).toContain('(stores.md)');
    });
  });
});
