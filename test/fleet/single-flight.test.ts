// Many record-missing proxies (real `cassette serve` processes) sharing one store (a SQLite file,
// a PostgreSQL database): identical misses at the same moment reach the upstream once per key, and
// every client gets that answer.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { collect } from '../../src/store/store.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { freshDatabase } from '../helpers/postgres.js';
import { call, spawnProxy } from '../robustness/harness.js';
import { chatBody, startCountingUpstream } from './counting-upstream.js';

useCleanup();

const CHAT = '/openai/v1/chat/completions';
const PROXIES = 8;
const PER_PROXY = 50;
const PROMPTS = ['alpha', 'beta', 'gamma', 'delta:stream'];

const BACKENDS: { name: string; store: () => Promise<string> }[] = [
  { name: 'sqlite', store: () => Promise.resolve(join(tempDir('cassette-fleet-'), 'fleet.db')) },
  { name: 'postgres', store: async () => (await freshDatabase()).url },
];

describe.each(BACKENDS)('single-flight record-missing on one $name store', ({ store: makeStore }) => {
  it(`${PROXIES} proxies x ${PER_PROXY} identical-key requests: one upstream call per key, one answer per key everywhere`, async () => {
    const upstream = await startCountingUpstream({ delayMs: 400 });
    const store = await makeStore();
    const args = ['--mode', 'record-missing', '--store', store, '--episode', 'fleet', '--upstream', `openai=${upstream.url}`];
    const proxies = await Promise.all(Array.from({ length: PROXIES }, () => spawnProxy(args, { startTimeoutMs: 60_000 })));

    const answers = new Map<string, Set<string>>();
    await Promise.all(
      proxies.flatMap((proxy) =>
        Array.from({ length: PER_PROXY }, async (_, n) => {
          const prompt = PROMPTS[n % PROMPTS.length] as string;
          const r = await call(proxy.url, CHAT, { body: chatBody(prompt, prompt.endsWith(':stream')), timeoutMs: 30_000 });
          expect(r.status, `${prompt}: ${r.error ?? r.body.toString('utf8').slice(0, 300)}`).toBe(200);
          expect(r.complete).toBe(true);
          let seen = answers.get(prompt);
          if (!seen) answers.set(prompt, (seen = new Set()));
          seen.add(r.body.toString('utf8'));
        }),
      ),
    );

    expect(Object.fromEntries(upstream.counts)).toEqual(Object.fromEntries(PROMPTS.map((p) => [p, 1])));
    for (const p of PROMPTS) expect(answers.get(p)?.size, `distinct answers to ${p}`).toBe(1);

    const exits = await Promise.all(proxies.map((p) => p.stop()));
    proxies.forEach((p, i) => expect(exits[i]?.code, p.stderr()).toBe(0));
    const s = await openStore(store, { readonly: true });
    try {
      const takes = await s.listTakes('fleet');
      expect(takes.map((t) => [t.take, t.interactions, t.incomplete])).toEqual([[1, PROMPTS.length, 0]]);
      const stored = await collect(s.interactions({ episodes: ['fleet'] }));
      expect(new Set(stored.map((i) => i.position)).size).toBe(PROMPTS.length);
    } finally {
      await s.close();
    }
  }, 120_000);
});
