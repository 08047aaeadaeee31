// The web UI and the HTML report in a real headless Chromium: recordings made through the proxy,
// then what a person looks at: the episode list, one interaction side by side, a stream scrubbed
// along its time axis, a miss explained with its differing fields highlighted, a take diff, and the
// report of a failing `cassette run` opened from disk with no server.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, saveShot, screenshotDir } from '../helpers/browser.js';
import { runCli, spawnCli, startProxy } from '../helpers/proxy.js';
import type { TestProxy } from '../helpers/proxy.js';
import { AGENT, SMALLTALK, agentRequests, post, recordFixtureStore } from '../helpers/ui-fixture.js';
import { recordAgentEpisode } from '../helpers/mcp-agent.js';

// Screenshots land in docs/images when asked (UPDATE_SCREENSHOTS=1, for docs/ui.md), else in a temp dir.
const SHOTS = screenshotDir();

let work: string;
let store: string;
let golden: TestProxy;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cassette-ui-'));
  store = join(work, 'cassettes.db');
  const upstream = await recordFixtureStore(store);
  await upstream.stop();
  golden = await startProxy({ mode: 'golden', store });
  context = await launchBrowser(join(work, 'profile'));
  page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 860 });
}, 60_000);

afterAll(() => closeBrowser(context, work, SHOTS));

function shot(name: string): Promise<void> {
  return saveShot(page, SHOTS, name);
}

describe('the web UI on the proxy', () => {
  it('lists the episodes with takes, calls and cost, and filters them by text', async () => {
    await page.goto(`${golden.url}/__cassette/ui#/episodes`);
    const agentRow = page.locator('table.episodes tbody tr', { hasText: AGENT });
    await agentRow.waitFor();
    const cells = await agentRow.locator('td').allInnerTexts();
    expect(cells[0]).toBe('2'); // takes
    expect(cells[1]).toContain('3'); // calls of the newest take
    await expect.poll(() => page.locator('table.episodes tbody tr').count()).toBe(2);
    await shot('episodes');

    await page.getByLabel('Search').fill('french');
    await expect.poll(() => page.locator('table.episodes tbody tr').allInnerTexts()).toEqual([expect.stringContaining(AGENT)]);
    await page.getByLabel('Search').fill('no such words anywhere');
    await expect.poll(() => page.locator('table.episodes tbody tr').count()).toBe(0);
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Model').selectOption('gpt-4o-2024-08-06');
    await expect.poll(() => page.locator('table.episodes tbody tr').allInnerTexts()).toEqual([expect.stringContaining(SMALLTALK)]);
  });

  it("shows an episode's steps and the tool-call chain", async () => {
    await page.goto(`${golden.url}/__cassette/ui#/episodes/${AGENT}`);
    await page.locator('table.steps tbody tr').first().waitFor();
    await page.locator('figure.chart').first().waitFor();
    const rows = await page.locator('table.steps tbody tr').allInnerTexts();
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/openai.*POST \/v1\/chat\/completions.*stream.*gpt-4o-mini/s);
    expect(rows[2]).toMatch(/anthropic.*POST \/v1\/messages/s);
    const chain = page.locator('ol.chain');
    await expect.poll(() => chain.innerText()).toMatch(/calls multiply[\s\S]*"a": 1231/i);
    await expect.poll(() => chain.innerText()).toMatch(/tool result of multiply[\s\S]*2869461/i);
    await shot('episode');
  });

  it('shows one interaction side by side and scrubs its stream', async () => {
    await page.goto(`${golden.url}/__cassette/ui#/episodes/${AGENT}/takes/2/steps/2`);
    const request = page.getByRole('region', { name: 'Request' });
    const answer = page.getByRole('region', { name: 'Answer' });
    await expect.poll(() => request.innerText()).toContain('"tool_call_id": "call_1EYWDzueHEp8OsB8jJSEp7WB"');
    await expect.poll(() => answer.innerText()).toContain('text/event-stream');
    // Credentials never reach the store; the request headers show only the allow-listed ones.
    expect(await request.innerText()).not.toContain('sk-proj-notarealkey');
    await shot('interaction');

    const assembled = page.getByTestId('assembled');
    const full = await assembled.innerText();
    expect(full.length).toBeGreaterThan(10);
    const scrub = page.getByLabel('Scrub stream');
    const max = Number(await scrub.getAttribute('max'));
    await scrub.focus();
    expect(max).toBeGreaterThan(4);
    await page.keyboard.press('Home');
    await expect.poll(() => page.locator('.scrub output').innerText()).toBe('1');
    await expect.poll(() => assembled.innerText()).toBe('');
    for (let i = 0; i < Math.floor(max / 2); i++) await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.locator('.scrub output').innerText()).toBe(String(Math.floor(max / 2) + 1));
    const half = await assembled.innerText();
    expect(half.length).toBeGreaterThan(0);
    expect(half.length).toBeLessThan(full.length);
    expect(full.startsWith(half)).toBe(true);
    await page.locator('.timeline').scrollIntoViewIfNeeded();
    await shot('stream');
  });

  it('pushes a miss live with the nearest recording and the differing field highlighted', async () => {
    await page.goto(`${golden.url}/__cassette/ui#/live`);
    await page.getByText('Connected').waitFor();
    const [first] = agentRequests();
    const body = structuredClone(first?.body) as { messages: { content: string }[] };
    (body.messages[0] as { content: string }).content = 'What is 1231 * 2332?';
    const missed = await post(golden, AGENT, { provider: 'openai', path: '/v1/chat/completions', body });
    expect(missed.status).toBe(404);
    const miss = page.locator('.miss').first();
    await miss.waitFor();
    expect(await miss.innerText()).toMatch(/message 1 \(user\) differs/);
    const marks = miss.locator('mark');
    await expect.poll(() => marks.count()).toBe(2);
    expect(await marks.allInnerTexts()).toEqual([expect.stringContaining('1231 * 2332'), expect.stringContaining('1231 * 2331')]);
    await shot('live-miss');
  });

  it('diffs two takes step by step with labelled differences', async () => {
    await page.goto(`${golden.url}/__cassette/ui#/episodes/${AGENT}`);
    await page.getByRole('link', { name: 'Diff with take 1' }).click();
    const rows = page.locator('table.diff tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.nth(0).innerText()).toContain('same');
    expect(await rows.nth(2).innerText()).toMatch(/changed[\s\S]*message 1 \(user\) differs/);
    await shot('diff');
  });

  it('refuses a Host that is not this machine and a request from another origin', async () => {
    const { rawRequest } = await import('../helpers/record-replay.js');
    const rebound = await rawRequest(`${golden.url}/__cassette/ui/api/episodes`, { headers: { host: 'attacker.example:80' } });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body.toString('utf8')).error.code).toBe('host_not_allowed');
    const crossSite = await rawRequest(`${golden.url}/__cassette/ui/api/episodes`, { headers: { origin: 'http://attacker.example' } });
    expect(crossSite.status).toBe(403);
    expect(JSON.parse(crossSite.body.toString('utf8')).error.code).toBe('origin_not_allowed');
  });
});

describe('an agent episode with MCP tools', () => {
  it("shows each model tool call beside the MCP server's run of it, linked both ways", async () => {
    const dir = join(work, 'mcp');
    mkdirSync(dir);
    const mcpStore = join(dir, 'cassettes.db');
    await recordAgentEpisode(dir, mcpStore, 'mcp-agent');
    const proxy = await startProxy({ mode: 'golden', store: mcpStore });
    await page.goto(`${proxy.url}/__cassette/ui#/episodes/mcp-agent`);
    await page.locator('table.steps tbody tr').first().waitFor();
    const rows = await page.locator('table.steps tbody tr').allInnerTexts();
    expect(rows.some((r) => /tools.*POST \/mcp tools\/call add/s.test(r))).toBe(true);
    const pairs = page.locator('ol.chain .pair');
    await expect.poll(() => pairs.count()).toBe(2);
    const add = pairs.filter({ hasText: 'calls add' });
    expect(await add.locator('.bubble.call').innerText()).toMatch(/"a": 2/);
    expect(await add.locator('.bubble.run').innerText()).toMatch(/step \d+ · tools ran add[\s\S]*5/i);
    const weather = pairs.filter({ hasText: 'calls weather' });
    expect(await weather.locator('.bubble.run').innerText()).toContain('sunny');
    // The run's own step links back to the step whose answer asked for it.
    const own = page.locator('ol.chain li .bubble.run', { hasText: 'runs add' });
    expect(await own.innerText()).toMatch(/runs add on tools for the call in step \d+/i);
    await shot('episode-mcp');
    await proxy.stop();
  });
});

describe('the HTML report', () => {
  it('of a failing `cassette run` explains the miss from disk, with no server', async () => {
    const out = join(work, 'report.html');
    const [first] = agentRequests();
    const body = structuredClone(first?.body) as { messages: { content: string }[] };
    (body.messages[0] as { content: string }).content = 'What is 1231 * 2332?';
    // The system under test: one call the cassette does not hold, exit 7 when it fails.
    const sut = join(work, 'sut.mjs');
    writeFileSync(
      sut,
      `const r = await fetch(process.env.OPENAI_BASE_URL + '/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: ${JSON.stringify(JSON.stringify(body))} });\nprocess.exit(r.status === 200 ? 0 : 7);\n`,
    );
    const run = await runCli([
      'run',
      '--mode',
      'golden',
      '--store',
      store,
      '--episode',
      AGENT,
      '--report',
      out,
      '--',
      process.execPath,
      sut,
    ]);
    expect(run.code).toBe(7);
    expect(run.stderr).toContain('report written to');
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)=/); // everything inline

    await golden.stop(); // nothing to fetch from: the page stands alone
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(`file://${out}`);
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').innerText()).toContain('Failed');
    const miss = page.locator('.miss').first();
    expect(await miss.innerText()).toMatch(/message 1 \(user\) differs/);
    expect(await miss.locator('mark').count()).toBe(2);
    await shot('report-run');
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
  });

  it('of the whole store holds the episodes and their diffs', async () => {
    const out = join(work, 'store.html');
    const made = await runCli(['report', '--out', out, '--store', store]);
    expect(made.code).toBe(0);
    await page.goto(`file://${out}#/diff`);
    await page.getByRole('link', { name: /agent-run take 1 → agent-run take 2/ }).click();
    await expect.poll(() => page.locator('table.diff tbody tr').count()).toBe(3);
    await page.goto(`file://${out}#/episodes/${AGENT}/takes/1/steps/1`);
    await expect.poll(() => page.getByRole('region', { name: 'Answer' }).innerText()).toContain('text/event-stream');
  });
});

describe('cassette ui', () => {
  it('serves a store read-only on 127.0.0.1 and prints the URL', async () => {
    const ui = spawnCli(['ui', '--store', store, '--json']);
    const line = JSON.parse(await ui.firstLine()) as { ok: boolean; url: string };
    expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/__cassette\/ui$/);
    const res = await fetch(`${line.url}/api/episodes?q=agent`);
    const page1 = (await res.json()) as { total: number; items: { episode: string; takes: number }[] };
    expect(page1.items.map((r) => r.episode)).toEqual([AGENT]);
    const write = await fetch(`${line.url}/api/episodes`, { method: 'POST' });
    expect(write.status).toBe(405);
    await page.goto(line.url);
    await page.locator('table.episodes tbody tr').first().waitFor();
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot('episodes-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    ui.child.kill('SIGTERM');
    expect((await ui.exited).code).toBe(0);
  });
});
