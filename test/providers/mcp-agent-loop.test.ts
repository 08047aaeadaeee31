// The proof that an agent's episode is one tape: the OpenAI Agents SDK runs an agent whose
// model (the `openai` package against a fake OpenAI upstream that answers with two tool calls)
// and whose tools (a real MCP server, reached through MCPServerStreamableHttp) both go through
// the proxy. Recorded live, the episode replays in golden with both upstreams shut down.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import type { Interaction } from '../../src/types.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { recordAgentEpisode, runAgent } from '../helpers/mcp-agent.js';
import { startMcpUpstream } from '../helpers/mcp-upstream.js';
import { runCli, startProxy } from '../helpers/proxy.js';

useCleanup();

const EPISODE = 'agent-loop';

/** `openai chat`, `tools tools/call add`, ...: the episode's tape in call order. */
async function tape(store: string): Promise<string[]> {
  const s = await openStore(store);
  try {
    const out: Interaction[] = [];
    for await (const i of s.interactions({ episodes: [EPISODE] })) out.push(i);
    return out
      .sort((a, b) => a.position - b.position)
      .map((i) => {
        const body = i.request.body.kind === 'json' ? (i.request.body.json as { method?: string; params?: { name?: string } }) : {};
        return i.family === 'mcp'
          ? `tools ${i.request.method} ${body.method ?? ''} ${body.params?.name ?? ''}`.trim()
          : `${i.provider} ${i.request.path}`;
      });
  } finally {
    await s.close();
  }
}

describe('an agent loop with a model and two MCP tools', () => {
  it('records model and tool calls in one ordered tape and replays it entirely from tape', async () => {
    const dir = tempDir();
    const store = join(dir, 'cassettes.db');
    const { config, output: recorded, mcp } = await recordAgentEpisode(dir, store, EPISODE);
    expect(recorded).toBe('2 + 3 = 5; Paris is sunny.');
    expect([...mcp.calls].sort()).toEqual(['add(2,3)', 'weather(Paris)']);

    const steps = await tape(store);
    const firstModel = steps.indexOf('openai /v1/chat/completions');
    const lastModel = steps.lastIndexOf('openai /v1/chat/completions');
    const add = steps.indexOf('tools POST tools/call add');
    const weather = steps.indexOf('tools POST tools/call weather');
    expect(steps.indexOf('tools POST initialize')).toBeLessThan(firstModel);
    expect(firstModel).toBeLessThan(Math.min(add, weather));
    expect(Math.max(add, weather)).toBeLessThan(lastModel);

    // `cassette show` puts each tool call beside the step that ran it.
    const shown = await runCli(['show', EPISODE, '--store', store]);
    expect(shown.code).toBe(0);
    const text = shown.stdout.replace(/: +/g, ': ');
    expect(text).toContain(`tool call: add({"a":2,"b":3})  → run at step ${add + 1}`);
    expect(text).toContain(`tool run: add({"a":2,"b":3})  ← step ${firstModel + 1} call_add_1`);
    expect(shown.stdout).toMatch(/POST \/mcp tools\/call weather {2}→ 200/);
    expect(text).toContain('result: "5"');

    // Golden: both upstreams gone; traps on other ports count any connection attempt.
    const modelTrap = await startFakeUpstream((_req, res) => void res.end('{}'));
    const mcpTrap = await startMcpUpstream();
    const golden = await startProxy({
      mode: 'golden',
      store,
      config,
      strict: true,
      upstream: [`openai=${modelTrap.url}`, `tools=${mcpTrap.url}`],
    });
    expect(await runAgent(golden, EPISODE)).toBe(recorded);
    expect(golden.stats.misses).toEqual([]);
    expect(modelTrap.connections + mcpTrap.connections).toBe(0);
    expect(golden.summary()).toMatchObject({ misses: 0, unused: [] });
  });
});
