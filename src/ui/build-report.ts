import { PRODUCT_VERSION } from '../version.js';
import type { CallRecord } from './activity-feed.js';
import type { ReportData } from './shared/report-types.js';
import type { UiService } from './ui-service.js';

export interface ReportOptions {
  kind: ReportData['kind'];
  title: string;
  store: string;
  /** Only these episodes (default: every episode of the store). */
  episodes?: readonly string[];
  summary?: ReportData['summary'];
  /** The session's calls (run, replay). */
  calls?: readonly CallRecord[];
  /** Run the contract check and embed its findings. */
  drift?: boolean;
  /** At most this many interactions are embedded whole (default 2,000); steps lists stay complete. */
  maxInteractions?: number;
}

/**
 * Gathers what a report page shows into one JSON document: the episode rows, each take's steps,
 * the interactions (up to a bound), the diff of each episode's last two takes, cost per take, the
 * session's calls with their miss explanations, and the drift findings when asked.
 */
export async function buildReport(ui: UiService, o: ReportOptions): Promise<ReportData> {
  const all = await ui.catalog.rows();
  const wanted = o.episodes ? new Set(o.episodes) : undefined;
  const episodes = wanted ? all.filter((r) => wanted.has(r.episode)) : all;
  const budget = o.maxInteractions ?? 2000;
  const data: ReportData = {
    kind: o.kind,
    title: o.title,
    generatedAt: new Date().toISOString(),
    version: PRODUCT_VERSION,
    store: o.store,
    ...(o.summary ? { summary: o.summary } : {}),
    activity: await Promise.all((o.calls ?? []).map((c) => ui.activityEvent(c))),
    episodes,
    details: {},
    interactions: {},
    diffs: {},
    costs: {},
  };
  let embedded = 0;
  let left = 0;
  for (const row of episodes) {
    const takes = await ui.catalog.takes(row.episode);
    for (const t of takes) {
      const detail = await ui.episode(row.episode, t.take);
      if (!detail) continue;
      data.details[`${row.episode}:${t.take}`] = detail;
      for (const s of detail.steps) {
        if (embedded >= budget) {
          left++;
          continue;
        }
        const i = await ui.interaction(row.episode, t.take, s.position);
        if (i) {
          data.interactions[`${row.episode}:${t.take}:${s.position}`] = i;
          embedded++;
        }
      }
    }
    if (takes.length >= 2) {
      const a = { episode: row.episode, take: (takes.at(-2) as { take: number }).take };
      const b = { episode: row.episode, take: (takes.at(-1) as { take: number }).take };
      const diff = await ui.diff(a, b);
      if (diff) data.diffs[`${row.episode}:${a.take}|${row.episode}:${b.take}`] = diff;
    }
    const costs = await ui.costs(row.episode);
    if (costs) data.costs[row.episode] = costs;
  }
  if (o.drift) data.drift = await ui.drift(true);
  if (left > 0) data.omitted = `${left} interactions are listed but not embedded whole (limit ${budget}).`;
  return data;
}
