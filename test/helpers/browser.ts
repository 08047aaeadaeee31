// A real headless Chromium for the UI tests: Debian's chromium-headless-shell (or chromium),
// installed by .ci/run, driven by playwright-core through its executablePath. Each launch gets a
// fresh profile directory and is closed after the test file.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';

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
