import { DURATION_BUCKETS } from '../modes/proxy-stats.js';
import type { ProxyStats } from '../modes/proxy-stats.js';

/** Prometheus text exposition (format 0.0.4) of the proxy's counters. */
export function renderMetrics(stats: ProxyStats): string {
  const lines: string[] = [];
  lines.push('# HELP cassette_requests_total Proxied requests by provider and outcome.');
  lines.push('# TYPE cassette_requests_total counter');
  for (const [k, v] of [...stats.byOutcome].sort()) {
    const [provider, outcome] = k.split('\0');
    lines.push(`cassette_requests_total{provider="${esc(provider)}",outcome="${esc(outcome)}"} ${v}`);
  }
  lines.push('# HELP cassette_request_duration_seconds Time from request start to the end of the answer.');
  lines.push('# TYPE cassette_request_duration_seconds histogram');
  for (const [provider, h] of [...stats.durations].sort(([a], [b]) => a.localeCompare(b))) {
    const p = esc(provider);
    let cumulative = 0;
    DURATION_BUCKETS.forEach((b, i) => {
      cumulative += h.buckets[i] ?? 0;
      lines.push(`cassette_request_duration_seconds_bucket{provider="${p}",le="${b}"} ${cumulative}`);
    });
    lines.push(`cassette_request_duration_seconds_bucket{provider="${p}",le="+Inf"} ${h.count}`);
    lines.push(`cassette_request_duration_seconds_sum{provider="${p}"} ${h.sum}`);
    lines.push(`cassette_request_duration_seconds_count{provider="${p}"} ${h.count}`);
  }
  const counter = (name: string, help: string, value: number): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${value}`);
  };
  counter('cassette_input_tokens_total', 'Input tokens of forwarded answers.', stats.inputTokens);
  counter('cassette_output_tokens_total', 'Output tokens of forwarded answers.', stats.outputTokens);
  counter('cassette_cost_usd_total', 'Cost of forwarded answers in USD.', stats.costUsd);
  counter('cassette_saved_tokens_total', 'Tokens of answers served from cassettes.', stats.savedTokens);
  counter('cassette_saved_cost_usd_total', 'Cost of answers served from cassettes, in USD.', stats.savedCostUsd);
  counter('cassette_drift_findings_total', 'Contract drift findings in smoke mode.', stats.drift.length);
  return `${lines.join('\n')}\n`;
}

function esc(v: string | undefined): string {
  return (v ?? '').replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
