// Bundles the web UI (web/main.ts: Preact + htm, uPlot) into dist/ui-assets/app.js and app.css,
// which the proxy serves at /__cassette/ui and `cassette report` inlines. Run by `npm run build`;
// nothing is fetched at run time.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
await build({
  entryPoints: { app: join(repo, 'web', 'main.ts') },
  outdir: join(repo, 'dist', 'ui-assets'),
  bundle: true,
  format: 'esm',
  minify: true,
  target: ['chrome110', 'firefox110', 'safari16'],
  legalComments: 'eof',
  logLevel: 'warning',
  charset: 'utf8',
});
if (process.env.DEBUG) process.stderr.write(`build-ui: ${Date.now() - started} ms\n`);
