// Store URLs (docs/stores.md): `--store postgres://user:pw@host/db`, CASSETTE_STORE and the config
// file's `store` select the PostgreSQL store; the password is never printed or written (a planted
// password is searched for in every output and every file the commands leave); an unknown URL
// scheme is refused with exit 2 instead of becoming a directory; an unreachable database is
// store_unreachable (exit 3) with a short message and no stack trace.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { corpus } from '../helpers/corpus.js';
import { closedPort, startFakeUpstream } from '../helpers/fake-upstream.js';
import { freshDatabase, type PgDatabase } from '../helpers/postgres.js';
import { runCli, spawnCli } from '../helpers/proxy.js';

useCleanup();

const CHAT = corpus('openai/chat-completions-basic.json');
const databases: PgDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((d) => d.drop()));
});

async function database(): Promise<PgDatabase> {
  const db = await freshDatabase();
  databases.push(db);
  return db;
}

/** Every file under `dir` whose bytes contain `secret`. */
function filesHolding(dir: string, secret: string): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (name.includes(secret)) found.push(p);
      if (statSync(p).isDirectory()) walk(p);
      else if (readFileSync(p).includes(secret)) found.push(p);
    }
  };
  walk(dir);
  return found;
}

const printable = (url: string, password: string): string => url.replace(`:${password}@`, '@');

describe('--store postgres://', () => {
  it('records, replays, lists and reports misses without ever printing or writing the password', async () => {
    const db = await database();
    const cwd = tempDir();
    const upstream = await startFakeUpstream(CHAT);
    const outputs: string[] = [];
    const ask = async (base: string, content: string): Promise<Response> =>
      fetch(`${base}/openai/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' },
        body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content }] }),
      });

    const live = spawnCli(
      ['serve', '--mode', 'live', '--store', db.url, '--port', '0', '--json', '--verbose', '--upstream', `openai=${upstream.url}`],
      {
        cwd,
      },
    );
    const banner = JSON.parse(await live.firstLine()) as { store: string; url: string };
    expect(banner.store).toBe(printable(db.url, db.password));
    expect((await ask(banner.url, 'hello')).status).toBe(200);
    live.child.kill('SIGTERM');
    await live.exited;
    outputs.push(live.stdout(), live.stderr());

    // The same store from CASSETTE_STORE, in golden: a hit, and a miss whose message names the store.
    const golden = spawnCli(['serve', '--port', '0', '--json', '--verbose'], { cwd, env: { CASSETTE_STORE: db.url } });
    const g = JSON.parse(await golden.firstLine()) as { url: string };
    expect((await ask(g.url, 'hello')).status).toBe(200);
    const miss = await ask(g.url, 'something never recorded');
    expect(miss.status).toBe(404);
    outputs.push(await miss.text());
    golden.child.kill('SIGTERM');
    await golden.exited;
    outputs.push(golden.stdout(), golden.stderr());

    // The config file's `store`.
    writeFileSync(join(cwd, 'cassette.config.json'), JSON.stringify({ store: db.url }));
    for (const args of [['ls', '--json'], ['ls'], ['stats', '--json'], ['stats'], ['show', 'default']]) {
      const r = await runCli([...args, '--store', db.url], { cwd });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      outputs.push(r.stdout, r.stderr);
    }
    const ls = JSON.parse((await runCli(['ls', '--json', '--store', db.url], { cwd })).stdout) as { store: string; episodes: unknown[] };
    expect(ls.store).toBe(printable(db.url, db.password));
    expect(ls.episodes).toHaveLength(1);
    const fromConfig = spawnCli(['serve', '--port', '0', '--json'], { cwd });
    expect((JSON.parse(await fromConfig.firstLine()) as { store: string }).store).toBe(printable(db.url, db.password));
    fromConfig.child.kill('SIGTERM');
    await fromConfig.exited;
    outputs.push(fromConfig.stdout(), fromConfig.stderr());

    const run = await runCli(['run', '--store', db.url, '--mode', 'golden', '--json', '--', process.execPath, '-e', ''], { cwd });
    outputs.push(run.stdout, run.stderr);

    for (const out of outputs) expect(out).not.toContain(db.password);
    expect(outputs.join('\n')).toContain(printable(db.url, db.password));
    // Only the config file written above holds it: nothing the commands wrote does.
    expect(filesHolding(cwd, db.password)).toEqual([join(cwd, 'cassette.config.json')]);
    expect(readdirSync(cwd).sort()).toEqual(['cassette.config.json']);
  }, 120_000);

  it('refuses an unknown URL scheme with exit 2 and creates nothing', async () => {
    const cwd = tempDir();
    const secret = 'Planted-pw-4711';
    for (const url of [`mysql://u:${secret}@db.example/x`, `redis://:${secret}@cache:6379/0`, `http://u:${secret}@example.com/store`]) {
      for (const args of [
        ['ls', '--store', url],
        ['serve', '--store', url, '--port', '0'],
      ]) {
        const r = await runCli(args, { cwd });
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toMatch(/unsupported store URL scheme/);
        expect(r.stdout + r.stderr).not.toContain(secret);
      }
      const env = await runCli(['ls'], { cwd, env: { CASSETTE_STORE: url } });
      expect(env.code).toBe(2);
      expect(env.stdout + env.stderr).not.toContain(secret);
    }
    expect(readdirSync(cwd)).toEqual([]);
  }, 120_000);

  it('reports an unreachable database as store_unreachable, exit 3, without the password or a stack trace', async () => {
    const cwd = tempDir();
    const secret = 'Planted-pw-0815';
    const url = `postgres://cassette:${secret}@127.0.0.1:${await closedPort()}/nowhere`;
    for (const args of [['ls', '--json'], ['ls'], ['stats']]) {
      const r = await runCli([...args, '--store', url], { cwd });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stdout + r.stderr).toMatch(args.includes('--json') ? /"code":"store_unreachable"/ : /the connection was refused/);
      expect(r.stdout + r.stderr).toContain(`postgres://cassette@127.0.0.1:`);
      expect(r.stdout + r.stderr).not.toContain(secret);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const serve = await runCli(['serve', '--mode', 'live', '--store', url, '--port', '0'], { cwd });
    expect(serve.code).toBe(3);
    expect(serve.stdout + serve.stderr).not.toContain(secret);
    expect(serve.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('reports a refused login and a missing database clearly', async () => {
    const db = await database();
    const wrong = db.url.replace(`:${db.password}@`, ':wrong-password@');
    const r = await runCli(['ls', '--json', '--store', wrong], {});
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).toMatch(/"code":"store_unreachable"/);
    expect(r.stdout + r.stderr).toMatch(/login was refused/);
    expect(r.stdout + r.stderr).not.toContain('wrong-password');
    const missing = db.url.replace(/\/[^/]+$/, '/no_such_db');
    const m = await runCli(['ls', '--store', missing], {});
    expect(m.code).toBe(3);
    expect(m.stderr).toMatch(/database does not exist/);
    expect(m.stderr).not.toContain(db.password);
  });
});
