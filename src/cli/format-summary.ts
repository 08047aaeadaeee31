import type { RunSummary } from '../server/run-summary.js';
import { plainPaint } from '../util/paint.js';
import type { Paint } from '../util/paint.js';

/** The human summary of a run or replay, for stderr: misses, refusals, lost writes and drift red, unused yellow on a terminal. */
export function formatSummary(s: RunSummary, paint: Paint = plainPaint): string {
  const lines = [
    `cassette ${s.mode}: ${s.requests} requests — ${s.hits} hits, ${s.misses} misses, ${s.recorded} recorded, ${s.forwarded} forwarded` +
      `${s.faults ? `, ${s.faults} faults` : ''}${s.refused ? `, ${s.refused} refused` : ''}, ${s.unused.length} unused`,
  ];
  if (s.tokens.input + s.tokens.output > 0 || s.costUsd > 0) {
    lines.push(`  spent: ${fmtTokens(s.tokens.input + s.tokens.output)} tokens, $${s.costUsd.toFixed(4)}`);
  }
  if (s.saved.calls > 0) {
    lines.push(`  saved: ${s.saved.calls} calls, ${fmtTokens(s.saved.tokens)} tokens, ${fmtUsd(s.saved.costUsd)} not spent`);
  }
  for (const m of s.missList.slice(0, 10)) lines.push(paint.fail(`  miss: ${m.message}`));
  if (s.missList.length > 10) lines.push(`  … and ${s.missList.length - 10} more misses`);
  for (const d of s.divergences) lines.push(paint.fail(`  diverged in episode "${d.episode}": ${d.message}`));
  for (const u of s.unused.slice(0, 10)) {
    lines.push(
      paint.warn(`  unused: episode "${u.episode}" take ${u.take ?? '?'} step ${u.position}: ${u.provider} ${u.method} ${u.path}`),
    );
  }
  if (s.unused.length > 10) lines.push(`  … and ${s.unused.length - 10} more unused recordings`);
  if (s.refused > 0)
    lines.push(paint.fail(`  ${s.refused} requests refused by the proxy (each logged with its error code): the run fails as on a miss`));
  if (s.storeErrors > 0) lines.push(paint.fail(`  ${s.storeErrors} interactions could NOT be written to the store`));
  if (s.drift.length > 0) {
    const breaking = s.drift.filter((d) => d.severity === 'breaking').length;
    lines.push(paint.fail(`  contract drift: ${s.drift.length} findings (${breaking} breaking)`));
    for (const d of s.drift.slice(0, 10)) lines.push(`    ${d.severity} ${d.check} ${d.provider} ${d.path}`);
  }
  return lines.join('\n');
}

/** $4.12 from a dollar up; below it four decimals ($0.0004), so a small replay does not read as $0.00. */
export function fmtUsd(usd: number): string {
  return `$${usd >= 1 ? usd.toFixed(2) : usd.toFixed(4)}`;
}

/** 1.9 M, 12.3 k, 512 */
export function fmtTokens(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}
