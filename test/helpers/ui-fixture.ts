// A store with real recordings for the UI tests: an agent episode recorded twice through the live
// proxy against a fake upstream answering with corpus interactions (an OpenAI streamed tool call,
// the streamed answer after the tool result, an Anthropic message), and a second small episode.
import { corpus } from './corpus.js';
import { startFakeUpstream } from './fake-upstream.js';
import type { FakeUpstream } from './fake-upstream.js';
import { startProxy } from './proxy.js';
import type { TestProxy } from './proxy.js';
import { rawRequest } from './record-replay.js';
import type { RawAnswer } from './record-replay.js';

export const AGENT = 'agent-run';
export const SMALLTALK = 'smalltalk';

const TOOL_CALL = 'openai/chat-completions-stream-tool-call-single.json';
const AFTER_TOOL = 'openai/chat-completions-stream-after-tool-result.json';
const CLAUDE = 'anthropic/messages-basic.json';
const BASIC = 'openai/chat-completions-basic.json';

/** The agent's three requests; `prompt` changes the Anthropic step's question (take 2 differs there). */
export function agentRequests(prompt = 'Summarise the multiplication result'): { provider: string; path: string; body: unknown }[] {
  const claude = corpus(CLAUDE).request.body as Record<string, unknown>;
  return [
    { provider: 'openai', path: '/v1/chat/completions', body: corpus(TOOL_CALL).request.body },
    { provider: 'openai', path: '/v1/chat/completions', body: corpus(AFTER_TOOL).request.body },
    { provider: 'anthropic', path: '/v1/messages', body: { ...claude, messages: [{ role: 'user', content: prompt }] } },
  ];
}

export function post(proxy: { url: string }, episode: string, r: { provider: string; path: string; body: unknown }): Promise<RawAnswer> {
  return rawRequest(`${proxy.url}/episodes/${episode}/${r.provider}${r.path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
      authorization: 'Bearer sk-proj-notarealkey0000000000',
    },
    body: JSON.stringify(r.body),
  });
}

export async function upstreamForAgent(): Promise<FakeUpstream> {
  return startFakeUpstream({
    eventDelayMs: 3,
    routes: [
      { when: (r) => r.path === '/v1/messages', answer: CLAUDE },
      { when: (r) => JSON.stringify(r.json?.messages ?? []).includes('tool_call_id'), answer: AFTER_TOOL },
      { when: (r) => Array.isArray(r.json?.tools), answer: TOOL_CALL },
      { answer: BASIC },
    ],
  });
}

/** Records take 1 and take 2 of AGENT and one take of SMALLTALK into `store`; returns the upstream. */
export async function recordFixtureStore(store: string): Promise<FakeUpstream> {
  const upstream = await upstreamForAgent();
  const upstreams = [`openai=${upstream.url}`, `anthropic=${upstream.url}`];
  for (const prompt of ['Summarise the multiplication result', 'Summarise the result in French']) {
    const live: TestProxy = await startProxy({ mode: 'live', store, upstream: upstreams });
    for (const r of agentRequests(prompt)) {
      const answer = await post(live, AGENT, r);
      if (answer.status !== 200) throw new Error(`recording failed: ${answer.status} ${answer.body.toString('utf8')}`);
    }
    if (prompt.includes('French')) {
      await post(live, SMALLTALK, { provider: 'openai', path: '/v1/chat/completions', body: corpus(BASIC).request.body });
    }
    await live.stop();
  }
  return upstream;
}
