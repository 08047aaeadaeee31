// A recorded JSON call's row splices the bodies' own texts (issue 20): through a real proxy and a
// real SQLite store, each row must still be exactly what JSON.stringify writes for it (so it reads
// back as before), replay the answer byte for byte, and hold no secret the request carried.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/match/body-codec.js';
import type { Interaction } from '../../src/types.js';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';

useCleanup();

const SECRET = 'sk-proj-PlantedSecret0123456789abcdef';
const PAD = 'pad '.repeat(200);
// Compact, as JSON.stringify writes it (so it is spliced), with what a splice could get wrong.
const ANSWER = JSON.stringify({
  id: 'chatcmpl-splice',
  object: 'chat.completion',
  model: 'gpt-4o',
  choices: [{ index: 0, message: { role: 'assistant', content: `café 😀 "q" \\ $& $' $\` ${PAD}` }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 7, completion_tokens: 9, total_tokens: 16 },
});

const request = (content: string) => JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: `${content} ${PAD}` }] });

describe('rows of recorded JSON calls with spliced bodies', () => {
  it('are JSON.stringify of their interaction, replay the answer byte for byte and hold no secret', { timeout: 60_000 }, async () => {
    const upstream = await startFakeUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(ANSWER);
    });
    const store = tempStore('splice.db');
    const sent = [request('first'), request(`key ${SECRET}`)];
    const live = await startProxy({ mode: 'live', store, episode: 'ep', upstream: [`openai=${upstream.url}`] });
    for (const body of sent) {
      const res = await fetch(`${live.baseUrl('openai')}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-key-for-the-upstream' },
        body,
      });
      expect(await res.text()).toBe(ANSWER);
    }
    await live.stop();

    const db = new Database(store, { readonly: true });
    const rows = db.prepare('SELECT data FROM interactions ORDER BY position').all() as { data: string }[];
    db.close();
    expect(rows).toHaveLength(2);
    for (const { data } of rows) {
      expect(data).toBe(JSON.stringify(JSON.parse(data)));
      expect(data).not.toContain(SECRET);
      const i = JSON.parse(data) as Interaction;
      expect(decodeBody(i.response.body as NonNullable<Interaction['response']['body']>).toString('utf8')).toBe(ANSWER);
    }
    const requests = rows.map(({ data }) => decodeBody((JSON.parse(data) as Interaction).request.body).toString('utf8'));
    expect(requests).toEqual([sent[0], (sent[1] as string).replace(SECRET, '<REDACTED>')]);

    const golden = await startProxy({ mode: 'golden', store, episode: 'ep', upstream: [`openai=${upstream.url}`] });
    const replayed = await fetch(`${golden.baseUrl('openai')}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: sent[0],
    });
    expect(await replayed.text()).toBe(ANSWER);
    await golden.stop();
    expect(upstream.requests).toHaveLength(2);
  });
});
