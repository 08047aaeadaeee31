// Several live proxy processes recording into one store at once: nothing lost, one take per
// process and episode, positions 1..n within each take, no interaction in another process's take.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Interaction } from '../../src/types.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { call, chatRequestBody, expectedAnswer, integrityCheck, sqliteRows, spawnProxy, startLlmUpstream } from './harness.js';
import { collect } from '../../src/store/store.js';

useCleanup();

const CHAT = '/openai/v1/chat/completions';
const SOAK = Boolean(process.env.CASSETTE_SOAK);
const PER_PROCESS = SOAK ? 150 : 24;

function promptOf(i: Interaction): string {
  return String((i.request.body as { json?: { messages?: { content?: string }[] } }).json?.messages?.[0]?.content);
}

describe.each([
  ['sqlite', 'store.db'],
  ['directory', 'store-dir'],
])('concurrent live proxies on one %s store', (kind, name) => {
  it.each([2, 4])(
    '%i processes recording one shared episode and one episode each: nothing lost, one take per process and episode, positions 1..n, no interleaving',
    async (processes) => {
      const upstream = await startLlmUpstream();
      const storePath = join(tempDir('cassette-writers-'), name);
      // All started at once on a store that does not exist yet: creating it is part of the race.
      const proxies = await Promise.all(
        Array.from({ length: processes }, () =>
          spawnProxy(['--mode', 'live', '--store', storePath, '--upstream', `openai=${upstream.url}`]),
        ),
      );
      // Every process sends PER_PROCESS requests to the shared episode and as many to its own,
      // interleaved, from four concurrent clients, alternating JSON answers and SSE streams.
      await Promise.all(
        proxies.map(async (proxy, p) => {
          let next = 0;
          await Promise.all(
            Array.from({ length: 4 }, async () => {
              for (let k = next++; k < 2 * PER_PROCESS; k = next++) {
                const stream = k % 4 >= 2;
                const episode = k % 2 === 0 ? 'shared' : `ep-${p}`;
                const prompt = `p${p}-${episode}-q${k}`;
                const r = await call(proxy.url, CHAT, {
                  body: chatRequestBody(prompt, stream),
                  headers: { 'x-cassette-episode': episode },
                });
                expect(r.status, `${prompt}: ${r.error ?? r.body.toString('utf8').slice(0, 300)}`).toBe(200);
                expect(r.complete).toBe(true);
                expect(r.body.toString('utf8')).toBe(expectedAnswer(prompt, stream));
              }
            }),
          );
        }),
      );
      const exits = await Promise.all(proxies.map((p) => p.stop()));
      proxies.forEach((p, i) => expect(exits[i]?.code, p.stderr()).toBe(0));
      for (const p of proxies) expect(p.stderr()).not.toMatch(/"level":"error"/);

      const store = await openStore(storePath, { readonly: true });
      let all: Interaction[];
      try {
        all = await collect(
          store.interactions({
            newestTakeOnly: false,
            includeIncomplete: true,
          }),
        );
        const takes = await store.listTakes();
        expect(takes.length).toBe(2 * processes);
        for (const t of takes) {
          expect(t.interactions).toBe(PER_PROCESS);
          expect(t.incomplete).toBe(0);
          expect(t.closedAt).toBeDefined();
        }
      } finally {
        await store.close();
      }
      expect(all).toHaveLength(2 * processes * PER_PROCESS);
      expect(all.every((i) => i.complete)).toBe(true);

      const groups = new Map<string, Interaction[]>();
      for (const i of all) {
        const g = `${i.episode}/${i.take}`;
        groups.set(g, [...(groups.get(g) ?? []), i]);
      }
      expect([...groups.keys()].sort()).toEqual(
        [
          ...Array.from({ length: processes }, (_, p) => `ep-${p}/1`),
          ...Array.from({ length: processes }, (_, t) => `shared/${t + 1}`),
        ].sort(),
      );
      const sharedOwners = new Set<string>();
      for (const [group, items] of groups) {
        const positions = items.map((i) => i.position).sort((a, b) => a - b);
        expect(positions, group).toEqual(Array.from({ length: PER_PROCESS }, (_, k) => k + 1));
        // One process per take: every prompt of the take carries the same process tag.
        const tags = new Set(items.map((i) => promptOf(i).split('-')[0]));
        expect(tags.size, `${group} holds ${[...tags].join(', ')}`).toBe(1);
        const tag = [...tags][0] as string;
        if (group.startsWith('shared/')) sharedOwners.add(tag);
        else expect(group).toBe(`ep-${tag.slice(1)}/1`);
        for (const i of items) expect(promptOf(i).split('-q')[0], group).toBe(`${tag}-${i.episode}`);
        expect(new Set(items.map(promptOf)).size, group).toBe(PER_PROCESS);
      }
      expect(sharedOwners.size).toBe(processes);

      if (kind === 'sqlite') {
        expect(integrityCheck(storePath)).toBe('ok');
        expect(sqliteRows(storePath)).toHaveLength(2 * processes * PER_PROCESS);
      }
    },
    SOAK ? 180_000 : 45_000,
  );
});
