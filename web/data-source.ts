import { queryEpisodes } from '../src/ui/shared/query-episodes.js';
import type {
  ActivityEvent,
  CostSeries,
  DriftView,
  EpisodeDetail,
  EpisodePage,
  EpisodeQuery,
  InteractionDetail,
  TakeDiff,
} from '../src/ui/shared/ui-types.js';
import type { ReportData } from '../src/ui/shared/report-types.js';

/** Where the page's data comes from: the proxy's JSON API, or the data embedded in a report. */
export interface DataSource {
  readonly kind: 'server' | 'report';
  readonly report?: ReportData;
  info(): Promise<{ mode: string; store: string; live: boolean; version: string }>;
  episodes(q: EpisodeQuery): Promise<EpisodePage>;
  episode(episode: string, take?: number): Promise<EpisodeDetail | undefined>;
  interaction(episode: string, take: number, position: number): Promise<InteractionDetail | undefined>;
  diff(a: string, b: string): Promise<TakeDiff | undefined>;
  costs(episode: string): Promise<CostSeries | undefined>;
  drift(): Promise<DriftView | undefined>;
  activity(): Promise<ActivityEvent[]>;
  /** Live calls as they happen; returns a function that stops listening. Reports have none. */
  subscribe?(on: (e: ActivityEvent) => void, onState: (connected: boolean) => void): () => void;
}

const API = '/__cassette/ui/api';

async function get<T>(path: string): Promise<T | undefined> {
  const res = await fetch(`${API}/${path}`, { headers: { accept: 'application/json' } });
  if (res.status === 404) return undefined;
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    throw new Error(body.error?.message ?? `${res.status} ${res.statusText}`);
  }
  return (await res.json()) as T;
}

const enc = encodeURIComponent;

export function serverSource(): DataSource {
  return {
    kind: 'server',
    info: async () => (await get('info')) ?? { mode: '?', store: '?', live: true, version: '?' },
    episodes: async (q) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') params.set(k, String(v));
      return (await get<EpisodePage>(`episodes?${params}`)) as EpisodePage;
    },
    episode: (e, take) => get(`episodes/${enc(e)}${take !== undefined ? `?take=${take}` : ''}`),
    interaction: (e, t, p) => get(`episodes/${enc(e)}/takes/${t}/steps/${p}`),
    diff: (a, b) => get(`diff?a=${enc(a)}&b=${enc(b)}`),
    costs: (e) => get(`episodes/${enc(e)}/costs`),
    drift: () => get('drift'),
    activity: async () => (await get<{ events: ActivityEvent[] }>('activity'))?.events ?? [],
    subscribe(on, onState) {
      const source = new EventSource(`${API}/events`);
      source.addEventListener('call', (m) => on(JSON.parse((m as MessageEvent<string>).data) as ActivityEvent));
      source.onopen = () => onState(true);
      source.onerror = () => onState(false);
      return () => source.close();
    },
  };
}

/** Answers the same questions from a report's embedded data, with the server's own query code. */
export function reportSource(data: ReportData): DataSource {
  const newest = (e: string): number | undefined => data.episodes.find((r) => r.episode === e)?.take;
  return {
    kind: 'report',
    report: data,
    info: async () => ({ mode: data.kind, store: data.store, live: false, version: data.version }),
    episodes: async (q) => queryEpisodes(data.episodes, q),
    episode: async (e, take) => data.details[`${e}:${take ?? newest(e)}`],
    interaction: async (e, t, p) => data.interactions[`${e}:${t}:${p}`],
    diff: async (a, b) => data.diffs[`${a}|${b}`] ?? Object.values(data.diffs).find((d) => sideOf(d.a) === a && sideOf(d.b) === b),
    costs: async (e) => data.costs[e],
    drift: async () => data.drift,
    activity: async () => data.activity,
  };
}

function sideOf(s: { episode: string; take: number }): string {
  return `${s.episode}:${s.take}`;
}
