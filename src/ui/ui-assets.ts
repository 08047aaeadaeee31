import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CassetteError } from '../errors.js';

/** The browser bundle `npm run build` writes (scripts/build-ui.mjs): one script, one style sheet. */
export interface UiAssets {
  js: string;
  css: string;
}

let cached: UiAssets | undefined;

/**
 * Reads the bundle shipped in the package (dist/ui-assets/). From the TypeScript sources (tests),
 * the same files are found under dist/ beside them.
 */
export function loadUiAssets(): UiAssets {
  if (cached) return cached;
  for (const dir of ['../ui-assets/', '../../dist/ui-assets/']) {
    try {
      const base = new URL(dir, import.meta.url);
      cached = {
        js: readFileSync(fileURLToPath(new URL('app.js', base)), 'utf8'),
        css: readFileSync(fileURLToPath(new URL('app.css', base)), 'utf8'),
      };
      return cached;
    } catch {
      // try the next place
    }
  }
  throw new CassetteError('internal_error', 'the UI bundle is missing (dist/ui-assets/app.js)', {
    hint: 'Run `npm run build` in the llm-cassette checkout.',
  });
}
