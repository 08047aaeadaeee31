// Every interaction of the real-traffic corpus (51 of them: 8 providers, JSON, SSE, JSON-array
// streams, gzip, errors) goes through the proxy in live, each in its own episode, and comes back
// from golden with the recorded status, content type and decoded bytes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, tempStore, useCleanup } from '../helpers/cleanup.js';
import { corpus, corpusIndex, headerOf, responseText } from '../helpers/corpus.js';
import type { CorpusInteraction } from '../helpers/corpus.js';
import { serveCorpus, startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { rawRequest } from '../helpers/record-replay.js';
import type { RawAnswer } from '../helpers/record-replay.js';

useCleanup();

/** Where each corpus provider's requests enter the proxy, and the upstream path prefix they lose. */
const PREFIX: Record<string, string> = { openrouter: '/api', groq: '/openai' };
const CONFIGURED = ['groq', 'deepseek', 'together', 'ollama'];

function requestOf(i: CorpusInteraction): { path: string; body: string; headers: Record<string, string> } {
  const url = new URL(i.request.url);
  const prefix = PREFIX[i.provider] ?? '';
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-corpus-file': i.file };
  for (const h of ['anthropic-version', 'anthropic-beta']) {
    const v = headerOf(i.request.headers, h);
    if (v) headers[h] = v;
  }
  headers['x-cassette-episode'] = i.file.replace(/[^A-Za-z0-9._-]/g, '_');
  return {
    path: `/${i.provider}${url.pathname.slice(prefix.length)}${url.search}`,
    body: i.request.body_text ?? JSON.stringify(i.request.body),
    headers,
  };
}

describe('the whole corpus', () => {
  it('replays every recorded interaction with its status, content type and bytes', async () => {
    const files = corpusIndex().map((e) => e.file);
    expect(files).toHaveLength(51);
    const upstream = await startFakeUpstream({
      routes: [{ answer: (req, res) => serveCorpus(res, corpus(String(req.headers['x-corpus-file'])), { eventDelayMs: 1 }) }],
    });
    const config = join(tempDir(), 'cassette.config.json');
    writeFileSync(
      config,
      JSON.stringify({
        providers: CONFIGURED.map((name) => ({ name, upstream: `${upstream.url}${PREFIX[name] ?? ''}`, family: 'openai' })),
      }),
    );
    const store = tempStore();
    const flags = {
      store,
      config,
      upstream: ['openai', 'anthropic', 'gemini', 'openrouter'].map((p) => `${p}=${upstream.url}${PREFIX[p] ?? ''}`),
    };

    const live = await startProxy({ ...flags, mode: 'live' });
    const liveAnswers = new Map<string, RawAnswer>();
    for (const file of files) {
      const r = requestOf(corpus(file));
      liveAnswers.set(file, await rawRequest(`${live.url}${r.path}`, { method: 'POST', headers: r.headers, body: r.body }));
    }
    await live.stop();
    await upstream.stop();
    expect(live.summary()).toMatchObject({ recorded: 51, faults: 0 });

    const golden = await startProxy({ ...flags, mode: 'golden' });
    for (const [n, file] of files.entries()) {
      const i = corpus(file);
      const r = requestOf(i);
      const sent = upstream.requests[n];
      expect.soft(sent?.headers['x-corpus-file'], file).toBe(file);
      expect.soft(sent?.url, file).toBe(new URL(i.request.url).pathname + new URL(i.request.url).search);
      expect.soft(sent?.text, file).toBe(r.body);

      const fromLive = liveAnswers.get(file);
      expect.soft(fromLive?.status, file).toBe(i.status);
      const wire = i.response.body_base64_as_stored
        ? Buffer.from(i.response.body_base64_as_stored, 'base64')
        : Buffer.from(responseText(i));
      expect.soft(fromLive?.body.equals(wire), `${file}: live bytes are the upstream's bytes`).toBe(true);

      const replay = await rawRequest(`${golden.url}${r.path}`, { method: 'POST', headers: r.headers, body: r.body });
      expect.soft(replay.status, file).toBe(i.status);
      expect.soft(replay.headers['x-cassette-outcome'], file).toBe('hit');
      expect.soft(replay.headers['content-type'], file).toBe(headerOf(i.response.headers, 'content-type'));
      expect.soft(replay.headers['content-encoding'], file).toBeUndefined();
      expect.soft(replay.body.toString('utf8'), file).toBe(responseText(i));
    }
    expect(golden.summary()).toMatchObject({ hits: 51, misses: 0 });
  });
});
