// Percentiles and summaries shared by the load generator and the orchestrator.

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** n, p50, p90, p99, max, mean of a list of numbers (ms), rounded to the microsecond. */
export function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  const r = (x) => (x === null || x === undefined ? null : Math.round(x * 1000) / 1000);
  return {
    n: values.length,
    p50: r(percentile(sorted, 50)),
    p90: r(percentile(sorted, 90)),
    p99: r(percentile(sorted, 99)),
    max: r(sorted[sorted.length - 1] ?? null),
    mean: r(mean),
  };
}

/** Adds up the slices of one target: throughput over the summed time, latency over every sample. */
export function combine(slices) {
  const sum = (f) => slices.reduce((n, s) => n + f(s), 0);
  const durationS = sum((s) => s.durationS);
  const requests = sum((s) => s.requests);
  const ok = sum((s) => s.ok);
  const status = {};
  for (const s of slices) for (const [c, n] of Object.entries(s.status)) status[c] = (status[c] ?? 0) + n;
  const cpu = {};
  for (const k of Object.keys(slices[0].cpu ?? {})) {
    const ms = sum((s) => s.cpu[k].ms);
    cpu[k] = {
      ms,
      perRequestUs: requests ? Math.round((ms * 1000) / requests) : null,
      utilization: Math.round((ms / (durationS * 1000)) * 100) / 100,
    };
  }
  return {
    kind: 'autocannon',
    connections: slices[0].connections,
    rounds: slices.length,
    durationS: Math.round(durationS * 100) / 100,
    requests,
    ok,
    rps: Math.round(ok / durationS),
    rpsPerRound: slices.map((s) => s.rps),
    latencyMs: summarize(slices.flatMap((s) => s.samples ?? [])),
    status,
    errors: sum((s) => s.errors),
    timeouts: sum((s) => s.timeouts),
    bytesPerResponse: slices[0].bytesPerResponse,
    cpu,
  };
}
