import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cassette } from '../cli/cli-helpers.js';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { loadWsFixture, startFakeWsUpstream } from '../helpers/fake-ws-upstream.js';
import { REPO_DIR, startProxy } from '../helpers/proxy.js';
import { PLANTED_HEADER_KEY, PLANTED_KEY, runRealtimeScript } from './realtime-script.js';

useCleanup();

const PATH = '/openai/v1/realtime?model=gpt-realtime';
const ws = (url: string): string => `${url.replace(/^http/, 'ws')}${PATH}`;
const fixture = () => loadWsFixture('openai-realtime-tool-call.json');

function readTree(dir: string): string {
  let out = '';
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    out += statSync(p).isDirectory() ? readTree(p) : readFileSync(p, 'latin1');
  }
  return out;
}

describe('WebSocket sessions in the other modes', () => {
  it('record-missing records an unknown session once, then replays it without the upstream', async () => {
    const store = join(tempDir(), 'cassettes.db');
    const upstream = await startFakeWsUpstream(fixture());
    const proxy = await startProxy({ mode: 'record-missing', store, upstream: [`openai=${upstream.url}`] });
    const first = await runRealtimeScript(ws(proxy.url));
    const second = await runRealtimeScript(ws(proxy.url));
    expect(second.events).toEqual(first.events);
    expect(upstream.upgrades).toHaveLength(1);
    expect(proxy.stats.total('recorded')).toBe(1);
    expect(proxy.stats.total('hit')).toBe(1);
  });

  it('passthrough relays a session and writes nothing', async () => {
    const store = join(tempDir(), 'cassettes.db');
    const upstream = await startFakeWsUpstream(fixture());
    const proxy = await startProxy({ mode: 'passthrough', store, upstream: [`openai=${upstream.url}`] });
    const result = await runRealtimeScript(ws(proxy.url));
    expect(result.events.filter((e) => e.type === 'response.done')).toHaveLength(2);
    expect(proxy.stats.total('forwarded')).toBe(1);
    await proxy.stop();
    expect(existsSync(store)).toBe(false);
  });

  it('counts usage from response.done toward --max-cost and refuses the next session once it is spent', async () => {
    const store = join(tempDir(), 'cassettes.db');
    const upstream = await startFakeWsUpstream(fixture());
    const proxy = await startProxy({ mode: 'live', store, maxCost: '0.001', upstream: [`openai=${upstream.url}`] });
    await runRealtimeScript(ws(proxy.url));
    // 481 input (128 cached) and 172 output tokens of gpt-realtime.
    expect(proxy.stats.inputTokens).toBe(481);
    expect(proxy.stats.outputTokens).toBe(172);
    expect(proxy.stats.costUsd).toBeGreaterThan(0.001);
    await expect(runRealtimeScript(ws(proxy.url))).rejects.toThrow(/Unexpected server response: 402/);
    expect(upstream.upgrades).toHaveLength(1);
  });

  it('--chaos truncate drops a replayed session mid-way, the same way for the same seed', async () => {
    const store = join(tempDir(), 'cassettes.db');
    const upstream = await startFakeWsUpstream(fixture());
    const live = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
    await runRealtimeScript(ws(live.url));
    await live.stop();
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const golden = await startProxy({ mode: 'golden', store, chaos: '1', chaosSeed: '7', chaosFaults: 'truncate' });
      runs.push(await runRealtimeScript(ws(golden.url)));
      expect(golden.stats.total('fault')).toBe(1);
      await golden.stop();
    }
    expect(runs[0]?.close.code).toBe(1006);
    expect(runs[1]?.events).toEqual(runs[0]?.events);
  });

  it('ls, show and show --events list sessions with their frame timeline; export holds no secret', async () => {
    const dir = tempDir();
    const store = join(dir, 'cassettes.db');
    const upstream = await startFakeWsUpstream(fixture());
    const live = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
    await runRealtimeScript(ws(live.url));
    await live.stop();

    const ls = await cassette(['ls', '--store', store], dir);
    expect(ls.stdout).toMatch(/default\s+1\s+1\s+1 \(1 ws\)/);
    const show = await cassette(['show', 'default', '--store', store], dir);
    expect(show.stdout).toContain('websocket session (25 frames: 5 client, 20 server, subprotocol realtime; closed by client 1000 "done"');
    expect(show.stdout).toMatch(/← session\.created/);
    expect(show.stdout).toContain('more frames (show --events lists them all)');
    const events = await cassette(['show', 'default', '--events', '--store', store], dir);
    expect(events.stdout).toMatch(/→ conversation\.item\.create\s+text/);
    expect(events.stdout).toMatch(/← response\.done/);
    expect(events.stdout).not.toContain('more frames');

    const out = join(dir, 'export');
    expect((await cassette(['export', out, '--store', store], dir)).code).toBe(0);
    const exported = readTree(out);
    expect(exported).toContain('response.output_audio.delta');
    for (const secret of [PLANTED_KEY, PLANTED_HEADER_KEY]) {
      expect(exported).not.toContain(secret);
      expect(readFileSync(store).includes(secret)).toBe(false);
    }
    expect((await cassette(['verify', '--store', store], dir)).code).toBe(0);
  });
});

describe('cassette replay covers sessions', () => {
  it('a strict replay whose command never opens the recorded session fails, naming it as unused', async () => {
    const dir = tempDir();
    const store = join(dir, 'cassettes.db');
    const upstream = await startFakeWsUpstream(fixture());
    const live = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
    await runRealtimeScript(ws(live.url));
    await live.stop();
    const r = await cassette(['replay', 'default', '--store', store, '--', process.execPath, '-e', ''], dir);
    expect(r.code).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toMatch(/unused[\s\S]*\/v1\/realtime/);
  });
});

describe('contracts learn session server events', () => {
  it('contract update infers the Realtime server event types and their shapes; contract check passes on the same store', async () => {
    const dir = tempDir();
    const store = join(dir, 'cassettes.db');
    const upstream = await startFakeWsUpstream(fixture());
    const live = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
    await runRealtimeScript(ws(live.url));
    await live.stop();
    const contracts = join(dir, 'contracts');
    const update = await cassette(['contract', 'update', '--store', store, '--contracts', contracts], dir);
    expect(update.code).toBe(0);
    const text = readTree(contracts);
    for (const type of ['session.created', 'response.output_audio.delta', 'response.done']) expect(text).toContain(type);
    expect(text).toContain('websocket');
    const check = await cassette(['contract', 'check', '--store', store, '--contracts', contracts, '--json'], dir);
    expect(JSON.parse(check.stdout).ok).toBe(true);
  });
});

describe('cassette run counts a frame miss', () => {
  it('exits 1 when a replayed session meets a client frame the recording does not have', async () => {
    const dir = tempDir();
    const store = join(dir, 'cassettes.db');
    const upstream = await startFakeWsUpstream(fixture());
    const live = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
    await runRealtimeScript(ws(live.url));
    await live.stop();
    const child = join(dir, 'child.mjs');
    writeFileSync(
      child,
      `import { WebSocket } from ${JSON.stringify(pathToFileURL(join(REPO_DIR, 'node_modules', 'ws', 'wrapper.mjs')).href)};
const socket = new WebSocket(process.env.OPENAI_BASE_URL.replace(/^http/, 'ws') + '/realtime?model=gpt-realtime');
socket.on('message', (d) => { if (JSON.parse(d).type === 'session.created') socket.send(JSON.stringify({ type: 'session.update', session: { instructions: 'something else' } })); });
socket.on('close', (code) => console.error('CHILD CLOSE ' + code));
`,
    );
    const r = await cassette(['run', '--mode', 'golden', '--store', store, '--', process.execPath, child], dir);
    expect(r.stderr).toContain('CHILD CLOSE 4404');
    expect(r.code).toBe(1);
    expect(`${r.stdout}${r.stderr}`).toMatch(/miss/i);
  });
});
