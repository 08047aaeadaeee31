// A real headless Chromium for the UI tests: Debian's chromium-headless-shell (or chromium),
// installed by .ci/run, driven by playwright-core through its executablePath. Each launch gets a
// fresh profile directory and is closed after the test file.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { runDeferred } from './cleanup.js';
import { REPO_DIR } from './proxy.js';

const CANDIDATES = ['/usr/bin/chromium-headless-shell', '/usr/lib/chromium/chromium-headless-shell', '/usr/bin/chromium'];

/** The browser binary: CASSETTE_CHROMIUM, else the Debian packages' paths. */
export function chromiumPath(): string {
  const path = [process.env.CASSETTE_CHROMIUM, ...CANDIDATES].find((p): p is string => !!p && existsSync(p));
  if (!path) {
    throw new Error(
      'no headless Chromium: run .ci/run (it installs chromium-headless-shell with apt) or set CASSETTE_CHROMIUM to a chromium binary',
    );
  }
  return path;
}

/** Launches Chromium on a fresh profile directory, with no network services of its own (sync, updates, first-run pages). */
export async function launchBrowser(profileDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath(),
    headless: true,
    args: [
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--no-default-browser-check',
    ],
  });
}

/** Where a UI test file writes its screenshots: docs/images under UPDATE_SCREENSHOTS, else a temporary folder. */
export function screenshotDir(): string {
  return process.env.UPDATE_SCREENSHOTS ? join(REPO_DIR, 'docs', 'images') : mkdtempSync(join(tmpdir(), 'cassette-shots-'));
}

/** Saves the page as `<name>.png` in `dir`. */
export async function saveShot(page: Page, dir: string, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), ...options });
}

/** The end of a UI test file: the browser, what the file started, its work folder, and its screenshots unless they are kept. */
export async function closeBrowser(context: BrowserContext | undefined, work: string, shots: string): Promise<void> {
  await context?.close();
  await runDeferred();
  rmSync(work, { recursive: true, force: true });
  if (!process.env.UPDATE_SCREENSHOTS) rmSync(shots, { recursive: true, force: true });
}
