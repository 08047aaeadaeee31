// The fleet when things go wrong on a shared store: the proxy recording a request is killed (its
// waiters take over, nothing partial is ever served; on SQLite and on PostgreSQL), golden readers
// beside the writers, and a claim that is never released (a bounded wait with a stable error code).
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { CassetteError } from '../../src/errors.js';
import { RecordingFlights } from '../../src/modes/recording-flights.js';
import { openStore } from '../../src/store/open-store.js';
import { collect } from '../../src/store/store.js';
import type { Interaction } from '../../src/types.js';
import { defer, tempDir, useCleanup } from '../helpers/cleanup.js';
import { freshDatabase } from '../helpers/postgres.js';
import { call, spawnProxy } from '../robustness/harness.js';
import { chatBody, startCountingUpstream } from './counting-upstream.js';

useCleanup();

const CHAT = '/openai/v1/chat/completions';

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

// The claim of a SIGKILLed recorder goes with its process: SQLite sees the pid gone, PostgreSQL
// releases the advisory lock when the recorder's connection dies.
const BACKENDS: { name: string; store: () => Promise<string> }[] = [
  { name: 'sqlite', store: () => Promise.resolve(join(tempDir('cassette-fleet-'), 'fleet.db')) },
  { name: 'postgres', store: async () => (await freshDatabase()).url },
];

describe.each(BACKENDS)('a recorder killed mid-call on one $name store', ({ store: makeStore }) => {
  it('a recording proxy killed mid-call: the waiting proxy claims the request, records it once more, and golden serves only that', async () => {
    const upstream = await startCountingUpstream({ slowMs: 2_500 });
    const store = await makeStore();
    const args = ['--mode', 'record-missing', '--store', store, '--episode', 'kill', '--upstream', `openai=${upstream.url}`];
    const [a, b] = await Promise.all([spawnProxy(args, { startTimeoutMs: 60_000 }), spawnProxy(args, { startTimeoutMs: 60_000 })]);
    const body = chatBody('slow:question', true);

    const first = call(a!.url, CHAT, { body, timeoutMs: 20_000 });
    await until(() => upstream.total === 1, 10_000, 'proxy A to forward');
    const waiting = call(b!.url, CHAT, { body, timeoutMs: 20_000 });
    await sleep(300); // B is now waiting on A's claim
    expect(upstream.total).toBe(1);
    await a!.kill9();

    const [lost, served] = await Promise.all([first, waiting]);
    expect(lost.complete).toBe(false);
    expect(served.status).toBe(200);
    expect(served.complete).toBe(true);
    expect(served.body.toString('utf8')).toContain('"id":"chatcmpl-2"');
    expect(upstream.total).toBe(2);
    expect((await b!.stop()).code).toBe(0);

    const golden = await spawnProxy(['--mode', 'golden', '--store', store, '--episode', 'kill'], { startTimeoutMs: 60_000 });
    const replayed = await call(golden.url, CHAT, { body });
    expect(replayed.status).toBe(200);
    expect(replayed.body.toString('utf8')).toBe(served.body.toString('utf8'));
    const s = await openStore(store, { readonly: true });
    try {
      const all = await collect(s.interactions({ newestTakeOnly: false, includeIncomplete: true }));
      expect(all.map((i) => i.complete)).toEqual([true]);
    } finally {
      await s.close();
    }
  }, 150_000);
});

describe('fleet failures on one SQLite store', () => {
  it('golden readers beside record-missing writers serve the recorded answers, byte for byte', async () => {
    const upstream = await startCountingUpstream({ delayMs: 50 });
    const store = join(tempDir('cassette-fleet-'), 'fleet.db');
    const writer = await spawnProxy([
      '--mode',
      'record-missing',
      '--store',
      store,
      '--episode',
      'g',
      '--upstream',
      `openai=${upstream.url}`,
    ]);
    const prompts = ['one', 'two', 'three'];
    const recorded = new Map<string, string>();
    for (const p of prompts) recorded.set(p, (await call(writer.url, CHAT, { body: chatBody(p) })).body.toString('utf8'));
    const readers = await Promise.all(
      [1, 2, 3, 4].map(() => spawnProxy(['--mode', 'golden', '--store', store, '--episode', 'g'], { startTimeoutMs: 60_000 })),
    );
    // Readers read while the writer records more of the same episode.
    const more = Promise.all(['four', 'five'].map((p) => call(writer.url, CHAT, { body: chatBody(p) })));
    await Promise.all(
      readers.flatMap((r) =>
        Array.from({ length: 30 }, async (_, n) => {
          const p = prompts[n % prompts.length] as string;
          const got = await call(r.url, CHAT, { body: chatBody(p) });
          expect(got.status).toBe(200);
          expect(got.body.toString('utf8')).toBe(recorded.get(p));
        }),
      ),
    );
    for (const r of await more) expect(r.status).toBe(200);
    expect(upstream.total).toBe(5);
  }, 150_000);

  it('a claim never released: the wait ends after the bound with recording_wait_timeout', async () => {
    const path = join(tempDir('cassette-fleet-'), 'fleet.db');
    const holder = await openStore(path);
    const waiter = await openStore(path);
    defer(() => holder.close());
    defer(() => waiter.close());
    const claim = await holder.claims!.tryClaim('ep', 'k1');
    expect(claim).toBeDefined();
    expect(await waiter.claims!.tryClaim('ep', 'k1')).toBeUndefined();

    const flights = new RecordingFlights(waiter, undefined, 300);
    let forwarded = 0;
    const started = Date.now();
    const err = await flights
      .record(
        'ep',
        'k1',
        async () => ({ result: ++forwarded }),
        async () => -1,
      )
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CassetteError);
    expect((err as CassetteError).code).toBe('recording_wait_timeout');
    expect((err as CassetteError).httpStatus).toBe(504);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(forwarded).toBe(0);

    // Released: the next call claims it and forwards.
    await claim!.release();
    expect(
      await flights.record(
        'ep',
        'k1',
        async () => ({ result: ++forwarded }),
        async () => -1,
      ),
    ).toBe(1);
  });

  it('identical misses within one process collapse into one forward', async () => {
    const path = join(tempDir('cassette-fleet-'), 'fleet.db');
    const store = await openStore(path);
    defer(() => store.close());
    const flights = new RecordingFlights(store, undefined, 5_000);
    let forwarded = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        flights.record(
          'ep',
          'k',
          async () => {
            forwarded++;
            await sleep(100);
            return { result: 'leader', recorded: { key: 'k' } as Interaction };
          },
          async (i: Interaction) => `follower of ${i.key}`,
        ),
      ),
    );
    expect(forwarded).toBe(1);
    expect(results.filter((r) => r === 'leader')).toHaveLength(1);
    expect(results.filter((r) => r === 'follower of k')).toHaveLength(19);
  });
});
