import type { ActivityEvent, CostSeries, DriftView, EpisodeDetail, EpisodeRow, InteractionDetail, TakeDiff } from './ui-types.js';

/** What a one-file HTML report embeds: the answers the page would ask the API for. */
export interface ReportData {
  kind: 'run' | 'replay' | 'contract' | 'store';
  title: string;
  generatedAt: string;
  version: string;
  store: string;
  /** `run` and `replay`: the session summary (hits, misses, recorded, unused...). */
  summary?: {
    ok: boolean;
    mode: string;
    requests: number;
    hits: number;
    misses: number;
    recorded: number;
    unused: number;
    costUsd: number;
    exitCode?: number;
    command?: string[];
  };
  /** The session's calls; misses carry their explanation. */
  activity: ActivityEvent[];
  episodes: EpisodeRow[];
  /** `episode:take` → steps. */
  details: Record<string, EpisodeDetail>;
  /** `episode:take:position` → the interaction. */
  interactions: Record<string, InteractionDetail>;
  /** `episode:take|episode:take` → the step diff. */
  diffs: Record<string, TakeDiff>;
  costs: Record<string, CostSeries>;
  drift?: DriftView;
  /** What was left out to keep the file small, in words. */
  omitted?: string;
}
