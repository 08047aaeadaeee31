import { readFileSync } from 'node:fs';

/** The package version, stored with every recording. */
export const PRODUCT_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
