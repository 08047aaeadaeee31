import { PRODUCT_VERSION } from '../version.js';
import { loadUiAssets } from './ui-assets.js';

/** Where the UI lives on the proxy (SPEC §10). */
export const UI_PATH = '/__cassette/ui';

/** The page the proxy serves: the bundle is loaded from the proxy itself, nothing from outside. */
export function renderServedPage(): string {
  return shell(
    'llm-cassette',
    `<link rel="stylesheet" href="${UI_PATH}/app.css">`,
    `<script type="module" src="${UI_PATH}/app.js"></script>`,
  );
}

/**
 * A report: one HTML file with the bundle and the data inline, readable from disk with no server
 * and no network. `<` is escaped in the data so no recorded text can close the script element.
 */
export function renderReportPage(title: string, data: unknown): string {
  const { js, css } = loadUiAssets();
  const json = JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
  return shell(
    title,
    `<style>${css.replace(/<\/style/gi, '<\\/style')}</style>`,
    `<script type="application/json" id="cassette-report">${json}</script>\n<script type="module">${js.replace(/<\/script/gi, '<\\/script')}</script>`,
  );
}

function shell(title: string, head: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="llm-cassette ${PRODUCT_VERSION}">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(title)}</title>
${head}
</head>
<body>
<noscript>This page needs JavaScript.</noscript>
<div id="app"></div>
${body}
</body>
</html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}
