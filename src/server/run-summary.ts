import type { CassetteOptions } from '../config/load-config.js';
import type { MissRecord, ProxyStats } from '../modes/proxy-stats.js';
import type { Recorder } from '../modes/recorder.js';
import type { Replayer } from '../modes/replayer.js';

export interface UnusedRecording {
  episode: string;
  take: number | undefined;
  position: number;
  provider: string;
  method: string;
  path: string;
}

/** What `run`, `replay` and `/__cassette/stats` report about one proxy session. */
export interface RunSummary {
  ok: boolean;
  mode: string;
  episode: string;
  store: string;
  requests: number;
  hits: number;
  misses: number;
  recorded: number;
  forwarded: number;
  refused: number;
  faults: number;
  storeErrors: number;
  unused: UnusedRecording[];
  missList: MissRecord[];
  divergences: { episode: string; message: string }[];
  tokens: { input: number; output: number };
  costUsd: number;
  saved: { calls: number; tokens: number; costUsd: number };
  drift: ProxyStats['drift'];
}

/**
 * Builds the summary; `ok` is false on any miss, on any request the proxy refused (a 4xx of its own), on a store write failure, on breaking contract
 * drift seen in smoke mode (SPEC §3: `run` exits 1 on breaking drift), and, strict, on unused
 * recordings or divergence.
 */
export function buildSummary(
  options: CassetteOptions,
  stats: ProxyStats,
  replayer: Pick<Replayer, 'unused' | 'divergences'> | undefined,
  recorder: Pick<Recorder, 'failed'> | undefined,
): RunSummary {
  const unused: UnusedRecording[] = (replayer?.unused() ?? []).flatMap((e) =>
    e.recordings.map((r) => ({
      episode: e.episode,
      take: e.take,
      position: r.position,
      provider: r.provider,
      method: r.method,
      path: r.path,
    })),
  );
  const divergences = replayer?.divergences() ?? [];
  const misses = stats.total('miss');
  const strictProblems = options.strict && (unused.length > 0 || divergences.length > 0);
  const breakingDrift = stats.drift.some((d) => d.severity === 'breaking');
  return {
    ok: misses === 0 && stats.total('refused') === 0 && !strictProblems && !breakingDrift && (recorder?.failed ?? 0) === 0,
    mode: options.mode,
    episode: options.episode,
    store: options.store,
    requests: stats.total(),
    hits: stats.total('hit'),
    misses,
    // A call whose recording could not be written was forwarded, not recorded: never both.
    recorded: Math.max(0, stats.total('recorded') - (recorder?.failed ?? 0)),
    forwarded: stats.total('forwarded') + Math.min(stats.total('recorded'), recorder?.failed ?? 0),
    refused: stats.total('refused'),
    faults: stats.total('fault'),
    storeErrors: recorder?.failed ?? 0,
    unused,
    missList: stats.misses,
    divergences,
    tokens: { input: stats.inputTokens, output: stats.outputTokens },
    costUsd: round(stats.costUsd),
    saved: { calls: stats.total('hit'), tokens: stats.savedTokens, costUsd: round(stats.savedCostUsd) },
    drift: stats.drift,
  };
}

function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}
