// Record-missing proxies (real `cassette serve` processes) sharing one store converge on one take
// of a new episode (issue 13 item 19): each records different requests at the same moment, plus a
// few identical ones; afterwards the episode has one take holding every interaction once, and
// golden serves all of them. On SQLite and PostgreSQL identical misses are recorded once for the
// whole fleet (single-flight claims); the directory store has no claims, so each proxy may record
// an identical miss once: the take holds it as occurrences, and golden serves one per call.
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
const PROXIES = 3;
const OWN = 12;
const SHARED = ['same-1', 'same-2', 'same-3:stream'];

const BACKENDS: { name: string; store: () => Promise<string>; claims: boolean }[] = [
  { name: 'directory', store: () => Promise.resolve(join(tempDir('cassette-converge-'), 'cassettes')), claims: false },
  { name: 'sqlite', store: () => Promise.resolve(join(tempDir('cassette-converge-'), 'fleet.db')), claims: true },
  { name: 'postgres', store: async () => (await freshDatabase()).url, claims: true },
];

const promptOf = (body: unknown): string => String((body as { messages: { content: string }[] }).messages[0]?.content);

describe.each(BACKENDS)('record-missing proxies on one new $name episode', ({ store: makeStore, claims }) => {
  it(`${PROXIES} proxies recording different and identical requests at once end with one take; golden serves it all`, async () => {
    const upstream = await startCountingUpstream({ delayMs: 150 });
    const store = await makeStore();
    const args = ['--store', store, '--episode', 'conv', '--upstream', `openai=${upstream.url}`];
    const proxies = await Promise.all(
      Array.from({ length: PROXIES }, () => spawnProxy(['--mode', 'record-missing', ...args], { startTimeoutMs: 60_000 })),
    );
    const own = proxies.map((_, p) => Array.from({ length: OWN }, (_, n) => `p${p}-${n}${n % 4 === 3 ? ':stream' : ''}`));
    await Promise.all(
      proxies.flatMap((proxy, p) =>
        [...(own[p] as string[]), ...SHARED].map(async (prompt) => {
          const r = await call(proxy.url, CHAT, { body: chatBody(prompt, prompt.endsWith(':stream')), timeoutMs: 30_000 });
          expect(r.status, `${prompt}: ${r.error ?? r.body.toString('utf8').slice(0, 300)}`).toBe(200);
        }),
      ),
    );
    const exits = await Promise.all(proxies.map((p) => p.stop()));
    proxies.forEach((p, i) => expect(exits[i]?.code, p.stderr()).toBe(0));

    const s = await openStore(store, { readonly: true });
    let stored: string[];
    try {
      const takes = await s.listTakes('conv');
      expect(takes.map((t) => [t.take, t.incomplete])).toEqual([[1, 0]]);
      const interactions = await collect(s.interactions({ episodes: ['conv'] }));
      expect(new Set(interactions.map((i) => i.position)).size, 'positions are distinct').toBe(interactions.length);
      stored = interactions.map((i) => promptOf((i.request.body as { json: unknown }).json));
    } finally {
      await s.close();
    }
    for (const prompt of own.flat())
      expect(
        stored.filter((x) => x === prompt),
        prompt,
      ).toHaveLength(1);
    for (const prompt of SHARED) {
      const times = stored.filter((x) => x === prompt).length;
      // Recorded once by the fleet (claims), or at most once by each proxy (as occurrences).
      if (claims) expect(times, prompt).toBe(1);
      else expect(times, prompt).toBeGreaterThanOrEqual(1);
      expect(times, prompt).toBeLessThanOrEqual(PROXIES);
      expect(times, prompt).toBe(upstream.counts.get(prompt));
    }
    expect(stored).toHaveLength(upstream.total);

    const golden = await spawnProxy(['--mode', 'golden', ...args], { startTimeoutMs: 60_000 });
    try {
      for (const prompt of [...own.flat(), ...SHARED]) {
        const r = await call(golden.url, CHAT, { body: chatBody(prompt, prompt.endsWith(':stream')), timeoutMs: 30_000 });
        expect(r.status, `${prompt}: ${r.body.toString('utf8').slice(0, 300)}`).toBe(200);
        expect(r.headers['x-cassette-outcome'], prompt).toBe('hit');
      }
    } finally {
      await golden.stop();
    }
    expect(upstream.total, 'golden never forwards').toBe(stored.length);
  }, 180_000);
});
