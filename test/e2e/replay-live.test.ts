// `cassette replay EPISODE --live [--model M]` (SPEC §7, docs/cli.md): the requests of the newest
// take are re-sent, in order, to the (fake) live provider, optionally with another model, recorded
// as EPISODE.live, and compared step by step with the recorded answers. The fake upstream's answer
// depends on the request's model: model A answers as recorded, model B very differently.
import { describe, expect, it } from 'vitest';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import type { FakeUpstream } from '../helpers/fake-upstream.js';
import { runCli, startProxy } from '../helpers/proxy.js';
import { openaiClient } from '../helpers/sdk.js';
import { chatHandler, lastUserText } from '../helpers/sut-child.js';
import type { ChatAnswerOptions } from '../helpers/sut-child.js';

useCleanup();

const MODEL_A = 'gpt-4o';
const MODEL_B = 'gpt-4o-mini';
const STEPS = ['Describe the alpha release in one sentence.', 'What is the weather in Paris?'];

/** Model A: the recorded answers. Model B: other words and finish reason (step 1), a tool call (step 2). */
function answer(model: string, prompt: string): ChatAnswerOptions {
  const step = STEPS.indexOf(prompt);
  if (model === MODEL_A)
    return {
      content: `alpha answer number ${step + 1}: the alpha release ships the cassette proxy`,
      usage: { prompt_tokens: 20, completion_tokens: 12 },
    };
  if (step === 0)
    return {
      content: 'Zebras graze quietly beyond distant mountains tonight',
      finishReason: 'length',
      usage: { prompt_tokens: 20, completion_tokens: 30 },
    };
  return {
    toolCalls: [{ name: 'get_weather', arguments: '{"city":"Paris"}' }],
    finishReason: 'tool_calls',
    usage: { prompt_tokens: 20, completion_tokens: 15 },
  };
}

async function modelAwareUpstream(): Promise<FakeUpstream> {
  return startFakeUpstream(chatHandler((req) => answer(String(req.json?.model), lastUserText(req))));
}

/** Records episode `ep` (two steps, model A) into a fresh SQLite store through the in-process proxy. */
async function recordEpisode(upstream: FakeUpstream): Promise<string> {
  const store = tempStore('X.db');
  const live = await startProxy({ mode: 'live', store, episode: 'ep', upstream: [`openai=${upstream.url}`] });
  for (const content of STEPS) await openaiClient(live).chat.completions.create({ model: MODEL_A, messages: [{ role: 'user', content }] });
  await live.stop();
  upstream.requests.length = 0;
  return store;
}

const replayLive = (
  store: string,
  upstream: FakeUpstream | string,
  extra: string[],
  env: NodeJS.ProcessEnv = { OPENAI_API_KEY: 'sk-test' },
) =>
  runCli(
    [
      'replay',
      'ep',
      '--live',
      '--store',
      store,
      '--upstream',
      `openai=${typeof upstream === 'string' ? upstream : upstream.url}`,
      ...extra,
    ],
    { env },
  );

describe('cassette replay EPISODE --live', () => {
  it('--model B: exit 1, the changed steps and why, the new answers recorded as ep.live, the original untouched', async () => {
    const upstream = await modelAwareUpstream();
    const store = await recordEpisode(upstream);

    const r = await replayLive(store, upstream, ['--model', MODEL_B, '--json']);
    expect(r.code, r.stderr).toBe(1);
    // The fake upstream got the recorded requests, in order, with the model rewritten.
    expect(upstream.requests.map((q) => [q.path, q.json.model, lastUserText(q)])).toEqual(
      STEPS.map((s) => ['/v1/chat/completions', MODEL_B, s]),
    );

    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ ok: false, episode: 'ep', into: 'ep.live' });
    expect(report.steps).toHaveLength(2);
    const [one, two] = report.steps;
    expect(one).toMatchObject({
      step: 1,
      changed: true,
      provider: 'openai',
      path: '/v1/chat/completions',
      status: { recorded: 200, live: 200 },
      finishReason: { recorded: 'stop', live: 'length' },
    });
    expect(one.reasons).toEqual(
      expect.arrayContaining(['finish reason stop → length', expect.stringMatching(/^text similarity 0(\.\d+)? < 0\.5$/)]),
    );
    expect(one.similarity).toBeLessThan(0.5);
    expect(one.tokens).toEqual({ recorded: 32, live: 50, delta: 18 });
    expect(two).toMatchObject({
      step: 2,
      changed: true,
      finishReason: { recorded: 'stop', live: 'tool_calls' },
      toolCalls: { recorded: [], live: ['get_weather'], sameNames: false },
    });
    expect(two.reasons).toEqual(expect.arrayContaining(['finish reason stop → tool_calls', 'tool calls [] → [get_weather]']));
    expect(r.stderr).toMatch(/episode "ep" re-run as "ep\.live", 2 of 2 steps changed/);
    expect(r.stderr).toMatch(/step 1 CHANGED openai POST \/v1\/chat\/completions/);

    // ep.live is a new episode of two calls; ep keeps its single take.
    const ls = await runCli(['ls', '--store', store, '--json']);
    expect(ls.code, ls.stderr).toBe(0);
    const rows = JSON.parse(ls.stdout).episodes as { episode: string; takes: number; calls: number }[];
    expect(rows.map((e) => [e.episode, e.takes, e.calls]).sort()).toEqual([
      ['ep', 1, 2],
      ['ep.live', 1, 2],
    ]);
    const shown = JSON.parse((await runCli(['show', 'ep.live', '--store', store, '--json'])).stdout);
    expect(shown.interactions.map((i: any) => i.request.body.json?.model)).toEqual([MODEL_B, MODEL_B]);

    // The original episode still replays the model-A answers, with no upstream at all.
    await upstream.stop();
    const golden = await startProxy({ mode: 'golden', store, strict: true });
    for (const content of STEPS) {
      const res = await openaiClient(golden, { episode: 'ep' }).chat.completions.create({
        model: MODEL_A,
        messages: [{ role: 'user', content }],
      });
      expect(res.choices[0]?.message.content).toBe(answer(MODEL_A, content).content);
    }
    expect(golden.summary()).toMatchObject({ hits: 2, misses: 0, unused: [] });
  });

  it('--model A (the same answers): every step the same, exit 0', async () => {
    const upstream = await modelAwareUpstream();
    const store = await recordEpisode(upstream);
    const r = await replayLive(store, upstream, ['--model', MODEL_A, '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(upstream.requests.map((q) => q.json.model)).toEqual([MODEL_A, MODEL_A]);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(true);
    expect(report.steps.map((s: any) => [s.step, s.changed, s.reasons, s.similarity])).toEqual([
      [1, false, [], 1],
      [2, false, [], 1],
    ]);
  });

  it('--fail-on never only reports: exit 0 although both steps changed', async () => {
    const upstream = await modelAwareUpstream();
    const store = await recordEpisode(upstream);
    const r = await replayLive(store, upstream, ['--model', MODEL_B, '--fail-on', 'never', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.steps.map((s: any) => s.changed)).toEqual([true, true]);
    expect(upstream.requests.map((q) => q.json.model)).toEqual([MODEL_B, MODEL_B]);
  });

  // Issue 14 item 9: failures that say nothing about the model are "not checked" (exit 3), in words.
  it('no API key: exit 3 naming the variable, nothing sent', async () => {
    const upstream = await modelAwareUpstream();
    const store = await recordEpisode(upstream);
    const r = await replayLive(store, upstream, [], {});
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('OPENAI_API_KEY');
    expect(upstream.requests).toHaveLength(0);
  });

  it('a 401 is "not checked" (exit 3), never "CHANGED status 200 → 401"', async () => {
    const upstream = await modelAwareUpstream();
    const store = await recordEpisode(upstream);
    const refusing = await startFakeUpstream((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } }));
    });
    const r = await replayLive(store, refusing, []);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toContain('NOT CHECKED');
    expect(r.stderr).toContain('refused the API key (HTTP 401)');
    expect(r.stderr).not.toContain('CHANGED');
    const json = await replayLive(store, refusing, ['--json']);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ ok: false, notChecked: 2 });
  });

  it('an unreachable provider after an earlier live run: not checked, never the stale answers as "same"', async () => {
    const upstream = await modelAwareUpstream();
    const store = await recordEpisode(upstream);
    expect((await replayLive(store, upstream, [])).code).toBe(0);
    const url = upstream.url;
    await upstream.stop();
    const r = await replayLive(store, url, ['--json']);
    expect(r.code, r.stderr).toBe(3);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.steps.map((s: any) => s.notChecked)).toEqual([
      'the provider could not be reached (HTTP 502)',
      'the provider could not be reached (HTTP 502)',
    ]);
  });
});
