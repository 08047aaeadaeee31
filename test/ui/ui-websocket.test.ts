// WebSocket sessions in the web UI and the HTML report, in a real headless Chromium: an OpenAI
// Realtime session (the `ws` client script) and a Gemini Live session (`@google/genai`, binary
// frames) recorded through the live proxy against fake socket upstreams, then the episode's steps
// (a strip of frames per session) and each session's frames on a time axis, both directions told
// apart, the assembled text growing as the frames are scrubbed with the keyboard.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoogleGenAI, Modality } from '@google/genai';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, saveShot, screenshotDir } from '../helpers/browser.js';
import { loadWsFixture, startFakeWsUpstream } from '../helpers/fake-ws-upstream.js';
import { runCli, startProxy } from '../helpers/proxy.js';
import type { TestProxy } from '../helpers/proxy.js';
import { PLANTED_HEADER_KEY, PLANTED_KEY, runRealtimeScript } from '../websocket/realtime-script.js';

const SHOTS = screenshotDir();
const EPISODE = 'voice-agent';
const GEMINI_KEY = 'AIzaPLANTEDgeminiLiveKey0123456789abcdefXYZ';
const REALTIME_ANSWER = 'It is sunny in Paris, 21 degrees.';
const GEMINI_ANSWER = 'It is sunny in Paris, 21 degrees.';

let work: string;
let store: string;
let golden: TestProxy;
let context: BrowserContext;
let page: Page;

/** One Gemini Live conversation with a tool call, as an application writes it. */
async function converseGemini(baseUrl: string): Promise<void> {
  const ai = new GoogleGenAI({ apiKey: GEMINI_KEY, httpOptions: { baseUrl: `${baseUrl}/` } });
  let done!: () => void;
  const closed = new Promise<void>((r) => (done = r));
  const session = await ai.live.connect({
    model: 'gemini-live-2.5-flash-preview',
    config: {
      responseModalities: [Modality.TEXT],
      tools: [
        {
          functionDeclarations: [
            { name: 'get_weather', parametersJsonSchema: { type: 'object', properties: { city: { type: 'string' } } } },
          ],
        },
      ],
    },
    callbacks: {
      onmessage: (m) => {
        const call = m.toolCall?.functionCalls?.[0];
        if (call)
          session.sendToolResponse({
            functionResponses: [{ id: call.id, name: call.name, response: { temperature_c: 21, sky: 'sunny' } }],
          });
        if (m.serverContent?.turnComplete) session.close();
      },
      onclose: () => done(),
    },
  });
  session.sendClientContent({ turns: [{ role: 'user', parts: [{ text: 'What is the weather in Paris?' }] }], turnComplete: true });
  await closed;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'cassette-ui-ws-'));
  store = join(work, 'cassettes.db');
  const realtime = await startFakeWsUpstream(loadWsFixture('openai-realtime-tool-call.json'));
  const gemini = await startFakeWsUpstream(loadWsFixture('gemini-live-tool-call.json'));
  const live = await startProxy({ mode: 'live', store, upstream: [`openai=${realtime.url}`, `gemini=${gemini.url}`] });
  const done = await runRealtimeScript(`${live.url.replace(/^http/, 'ws')}/episodes/${EPISODE}/openai/v1/realtime?model=gpt-realtime`);
  expect(done.close.code).toBe(1000);
  await converseGemini(`${live.url}/episodes/${EPISODE}/gemini`);
  await live.stop();
  await realtime.stop();
  await gemini.stop();
  golden = await startProxy({ mode: 'golden', store });
  context = await launchBrowser(join(work, 'profile'));
  page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
}, 60_000);

afterAll(() => closeBrowser(context, work, SHOTS));

function shot(name: string): Promise<void> {
  return saveShot(page, SHOTS, name);
}

/** What the page's window offers to a function evaluated in it (the tests compile without the DOM's types). */
interface BrowserWindow {
  getComputedStyle(element: unknown): { getPropertyValue(name: string): string };
}

const selected = () => page.locator('.frame-list [aria-selected="true"]');
const assembled = () => page.getByTestId('assembled');

describe('WebSocket sessions in the web UI', () => {
  it('shows each session as a step with its frames on a strip, both directions counted, and the answer in the chain', async () => {
    await page.goto(`${golden.url}/__cassette/ui#/episodes/${EPISODE}`);
    await page.locator('table.steps tbody tr').first().waitFor();
    const rows = page.locator('table.steps tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toMatch(/openai[\s\S]*GET \/v1\/realtime[\s\S]*websocket[\s\S]*gpt-realtime[\s\S]*101/);
    expect(await rows.nth(1).innerText()).toMatch(/gemini[\s\S]*GET \/ws\/google\.ai\.generativelanguage[\s\S]*websocket[\s\S]*101/);
    // The strip says in words what it draws: counts both ways and the close.
    const strip = rows.nth(0).getByRole('img');
    expect(await strip.getAttribute('aria-label')).toMatch(
      /^\d+ frames over .+: [1-9]\d* from the client, [1-9]\d* from the server; closed by the client 1000$/,
    );
    expect(await rows.nth(0).locator('svg line.client').count()).toBeGreaterThan(0);
    expect(await rows.nth(0).locator('svg line.server').count()).toBeGreaterThan(0);
    // What the sessions said, read from their server frames (Realtime transcript deltas, Gemini modelTurn parts).
    const answers = await page.locator('ol.chain .bubble.assistant').allInnerTexts();
    expect(answers).toEqual([expect.stringContaining(REALTIME_ANSWER), expect.stringContaining(GEMINI_ANSWER)]);
    await shot('episode-websocket');
  });

  it('puts a Realtime session on a time axis and grows its text as the frames are scrubbed with the keyboard', async () => {
    await page.goto(`${golden.url}/__cassette/ui#/episodes/${EPISODE}/takes/1/steps/1`);
    await page.getByRole('heading', { name: /Session timeline/ }).waitFor();
    const heading = await page.getByRole('heading', { name: /Session timeline/ }).innerText();
    const [, total, client, server] =
      /(\d+) frames \((\d+) from the client, (\d+) from the server\) · closed by the client 1000 "done" at /.exec(heading) ?? [];
    expect(Number(client)).toBe(5); // session.update, the user's message, response.create, the tool output, response.create
    expect(Number(client) + Number(server)).toBe(Number(total));
    expect(await page.locator('.frame-list [role="option"].dir-client').count()).toBe(5);
    expect(await page.locator('.frame-list [role="option"].dir-server').count()).toBe(Number(server));
    // The chart draws the text curve and a dot series per direction.
    expect(await page.locator('.timeline .u-legend').innerText()).toMatch(/client to server[\s\S]*server to client/);

    // The frame list is one tab stop moved with the keyboard.
    const list = page.getByRole('listbox', { name: 'Frames' });
    await list.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => selected().innerText()).toMatch(/←\s*session\.created/);
    await expect.poll(() => assembled().innerText()).toBe('');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => selected().innerText()).toMatch(/→\s*session\.update/);
    expect(await page.locator('.timeline p[aria-live]').innerText()).toMatch(/→ client to server frame session\.update/);
    // Move on to the first transcript delta: half the answer exists there.
    for (let n = 0; n < 60; n++) {
      if (/output_audio_transcript\.delta/.test(await selected().innerText())) break;
      await page.keyboard.press('ArrowDown');
    }
    await expect.poll(() => assembled().innerText()).toMatch(/^It is sunny in Paris, ?$/);
    await page.keyboard.press('ArrowUp'); // the audio delta before it: 96 KB of base64, shown cut
    await expect.poll(() => selected().innerText()).toMatch(/response\.output_audio\.delta/);
    const raw = await page.locator('.timeline pre.raw').innerText();
    expect(raw).toMatch(/… \(\d{5,} characters\)/);
    expect(raw.length).toBeLessThan(2000);
    await page.keyboard.press('End');
    await expect.poll(() => assembled().innerText()).toBe(REALTIME_ANSWER);
    // The slider scrubs the same frames.
    const scrub = page.getByLabel('Scrub frames');
    await scrub.focus();
    await page.keyboard.press('Home');
    await expect.poll(() => page.locator('.scrub output').innerText()).toBe('1');
    await expect.poll(() => selected().innerText()).toMatch(/session\.created/);

    // Pick the frame where the answer is half told, for the screenshot.
    await page.locator('.frame-list [role="option"]', { hasText: 'response.output_audio_transcript.delta' }).first().click();
    await expect.poll(() => assembled().innerText()).toMatch(/^It is sunny in Paris, ?$/);
    const text = await page.locator('main').innerText();
    expect(text).not.toContain(PLANTED_KEY);
    expect(text).not.toContain(PLANTED_HEADER_KEY);
    await page.locator('.timeline').scrollIntoViewIfNeeded();
    await shot('websocket');
    // Dark: the page and its chart drawn again in the dark palette.
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.reload();
    await page.locator('.frame-list [role="option"]', { hasText: 'response.output_audio_transcript.delta' }).first().click();
    await page.locator('.timeline').scrollIntoViewIfNeeded();
    const color = (sel: string, prop = 'color') =>
      page
        .locator(sel)
        .first()
        .evaluate((el, p) => (globalThis as unknown as BrowserWindow).getComputedStyle(el).getPropertyValue(p), prop);
    const colors = {
      client: await color('.frame-list .dir.client'),
      server: await color('.frame-list .dir.server'),
      bg: await color('body', 'background-color'),
    };
    expect(colors.client).not.toBe(colors.server);
    expect(colors.bg).toBe('rgb(24, 24, 27)');
    await shot('websocket-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it("shows a Gemini Live session's binary frames and the text its serverContent parts add up to", async () => {
    await page.goto(`${golden.url}/__cassette/ui#/episodes/${EPISODE}/takes/1/steps/2`);
    await page.locator('.frame-list [role="option"]', { hasText: 'setupComplete' }).waitFor();
    const frames = await page.locator('.frame-list [role="option"]').allInnerTexts();
    expect(frames[0]).toMatch(/→\s*setup/);
    expect(frames.filter((f) => /←\s*serverContent\s*binary/.test(f)).length).toBeGreaterThanOrEqual(3);
    await expect.poll(() => assembled().innerText()).toBe(GEMINI_ANSWER);
    const answer = await page.getByRole('region', { name: 'Answer' }).innerText();
    expect(answer).toMatch(/"frameCount": \d+/);
    expect(await page.locator('main').innerText()).not.toContain(GEMINI_KEY);
  });
});

describe('the HTML report', () => {
  it('holds the session timelines and scrubs them from disk, without the audio whole', async () => {
    const out = join(work, 'report.html');
    const made = await runCli(['report', '--out', out, '--store', store]);
    expect(made.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).not.toMatch(/[A-Za-z0-9+/]{4000}/); // the 96 KB audio delta is not embedded
    await golden.stop();
    await page.goto(`file://${out}#/episodes/${EPISODE}/takes/1/steps/1`);
    await page.getByRole('heading', { name: /Session timeline/ }).waitFor();
    await page.getByRole('listbox', { name: 'Frames' }).focus();
    await page.keyboard.press('Home');
    await expect.poll(() => assembled().innerText()).toBe('');
    await page.keyboard.press('End');
    await expect.poll(() => assembled().innerText()).toBe(REALTIME_ANSWER);
  });
});
