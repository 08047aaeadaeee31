// The drift view in a real headless Chromium, on a real contract check with findings: an episode
// recorded through the live proxy, `cassette contract update` learning its baseline, the upstream
// changing its answer's shape (a field gone, a type changed), a new take recorded, then `cassette
// contract check` and `cassette ui` on the same store: what a person sees is the provider and
// endpoint, each finding with its severity, path and evidence, and where it was seen.
import { mkdtempSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, saveShot, screenshotDir } from '../helpers/browser.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { runCli, spawnCli, startProxy } from '../helpers/proxy.js';
import { post } from '../helpers/ui-fixture.js';

const SHOTS = screenshotDir();
const EPISODE = 'checkout';
const REQUEST = {
  provider: 'openai',
  path: '/v1/chat/completions',
  body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }] },
};

/** An OpenAI chat completion as the provider answered it when the baseline was learned. */
function completion(): Record<string, unknown> {
  return {
    id: 'chatcmpl-drift0001',
    object: 'chat.completion',
    created: 1760728905,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!', refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
    system_fingerprint: 'fp_drift',
  };
}

/** The same answer after the provider changed it: `usage` gone, `created` a string, `service_tier` new. */
function drifted(): Record<string, unknown> {
  const { usage: _gone, ...rest } = completion();
  return { ...rest, created: '2025-10-17T19:21:45Z', service_tier: 'default' };
}

const answerWith = (body: () => Record<string, unknown>) => (_req: unknown, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body()));
};

let work: string;
let store: string;
let contracts: string;
let context: BrowserContext;
let page: Page;

/** One take of the episode, recorded live against an upstream answering with `body`. */
async function recordTake(body: () => Record<string, unknown>): Promise<void> {
  const upstream = await startFakeUpstream(answerWith(body));
  const live = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
  const answer = await post(live, EPISODE, REQUEST);
  expect(answer.status).toBe(200);
  await live.stop();
  await upstream.stop();
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cassette-ui-drift-'));
  store = join(work, 'cassettes.db');
  contracts = join(work, 'contracts');
  await recordTake(completion);
  const learned = await runCli(['contract', 'update', '--store', store, '--contracts', contracts]);
  expect(learned.code, learned.stderr).toBe(0);
  await recordTake(drifted);
  context = await launchBrowser(join(work, 'profile'));
  page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
}, 60_000);

afterAll(() => closeBrowser(context, work, SHOTS));

describe('the drift view', () => {
  it("shows the contract check's findings by provider and endpoint, with the evidence", async () => {
    const check = await runCli(['contract', 'check', '--store', store, '--contracts', contracts, '--json']);
    expect(check.code, check.stderr).toBe(1);
    const report = JSON.parse(check.stdout) as { ok: boolean; findings: { severity: string; check: string; path: string }[] };
    expect(report.ok).toBe(false);
    const checks = report.findings.map((f) => `${f.severity} ${f.check} ${f.path}`);
    expect(checks).toEqual(
      expect.arrayContaining(['breaking path-removed usage', 'breaking type-changed created', 'info path-new service_tier']),
    );

    const ui = spawnCli(['ui', '--store', store, '--contracts', contracts, '--json']);
    const line = JSON.parse(await ui.firstLine()) as { url: string };
    await page.goto(`${line.url}#/drift`);
    await page.getByRole('heading', { name: 'Drift', exact: true }).waitFor();
    const rows = page.locator('table.drift tbody tr');
    await rows.first().waitFor();
    // The same findings as the CLI's check, under their provider and endpoint.
    expect(await rows.count()).toBe(report.findings.length);
    expect(await page.locator('main').innerText()).toContain('The newest takes differ from the baseline.');
    await expect.poll(() => page.getByRole('heading', { level: 2 }).allInnerTexts()).toEqual(['openai POST /v1/chat/completions json 2xx']);
    const table = page.getByRole('table', { name: 'Findings for openai POST /v1/chat/completions json 2xx' });
    expect(await table.count()).toBe(1);
    // Each finding with its severity, check, path, what it means, the evidence on both sides, and where it was seen.
    const gone = rows.filter({ hasText: 'path-removed' });
    expect((await gone.locator('td').allInnerTexts()).map((t) => t.trim())).toEqual([
      'breaking',
      'path-removed',
      'usage',
      'Required path usage is gone',
      'present in 1/1 samples; types object×1',
      'present in 0/1 samples',
      `${EPISODE}/2/1`,
    ]);
    const changed = rows.filter({ hasText: 'type-changed' });
    expect(await changed.innerText()).toMatch(/breaking[\s\S]*created[\s\S]*types number×1[\s\S]*types string×1/);
    expect(await rows.filter({ hasText: 'path-new' }).innerText()).toMatch(/info[\s\S]*service_tier[\s\S]*not seen/);
    expect(await gone.locator('.sev-breaking').count()).toBe(1);
    await shot('drift');

    // The evidence leads to the step it was seen in: the new take's answer, without usage.
    await gone.getByRole('link', { name: `${EPISODE} take 2 step 1` }).click();
    const answer = page.getByRole('region', { name: 'Answer' });
    await expect.poll(() => answer.innerText()).toContain('"service_tier": "default"');
    expect(await answer.innerText()).not.toContain('"usage"');
    ui.child.kill('SIGTERM');
    expect((await ui.exited).code).toBe(0);
  });
});

function shot(name: string): Promise<void> {
  return saveShot(page, SHOTS, name, { fullPage: true });
}
