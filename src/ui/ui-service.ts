import { diffTakes } from '../compare/diff-takes.js';
import type { ContractConfig } from '../contract/contract-types.js';
import type { MissDetail } from '../pipeline/call-result.js';
import type { Redactor } from '../safety/create-redactor.js';
import type { Store } from '../store/store.js';
import type { Interaction } from '../types.js';
import type { ActivityFeed, CallRecord } from './activity-feed.js';
import { modelOf } from '../compare/model-of.js';
import { interactionDetail } from './interaction-detail.js';
import type {
  ActivityEvent,
  CostSeries,
  DriftView,
  EpisodeDetail,
  EpisodePage,
  EpisodeQuery,
  InteractionDetail,
  MissView,
  TakeDiff,
} from './shared/ui-types.js';
import { UiCatalog } from './ui-catalog.js';
import type { CatalogStore } from './ui-catalog.js';

export interface UiServiceOptions {
  /** Absent for a proxy mode without a store (passthrough, smoke, mock): only live activity shows. */
  store: Store | undefined | (() => Store | undefined);
  activity: ActivityFeed;
  redactor: Redactor;
  /** Baseline directory of `contract check` (the drift view). */
  contractsDir: string;
  contractConfig?: ContractConfig;
  /** What the page says about where it runs. */
  info: { mode: string; store: string; live: boolean; version: string };
}

/** Everything the UI's API answers, as data: the HTTP routes and the static report both read it. */
export class UiService {
  readonly catalog: UiCatalog;
  readonly activity: ActivityFeed;
  readonly #o: UiServiceOptions;
  #drift: { at: number; view: DriftView } | undefined;

  constructor(options: UiServiceOptions) {
    this.#o = options;
    this.activity = options.activity;
    this.catalog = new UiCatalog(
      {
        listTakes: (episode?: string) => (this.#store() ?? NO_STORE).listTakes(episode),
        interactions: (filter) => (this.#store() ?? NO_STORE).interactions(filter),
        summarizeEpisodes: (query) => (this.#store() ?? NO_STORE).summarizeEpisodes(query),
      } as CatalogStore,
      options.activity,
    );
  }

  /** The store now (a proxy may swap a placeholder for the real one once another mode records). */
  #store(): Store | undefined {
    const s = this.#o.store;
    return typeof s === 'function' ? s() : s;
  }

  get info(): UiServiceOptions['info'] {
    return this.#o.info;
  }

  episodes(query: EpisodeQuery): Promise<EpisodePage> {
    return this.catalog.episodes(query);
  }

  episode(episode: string, take?: number): Promise<EpisodeDetail | undefined> {
    return this.catalog.episode(episode, take);
  }

  async interaction(episode: string, take: number, position: number): Promise<InteractionDetail | undefined> {
    const i = await this.catalog.interaction(episode, take, position);
    return i ? interactionDetail(i, this.#o.redactor) : undefined;
  }

  /** Two takes step by step; `b` defaults to the take before `a`'s newest when both name one episode. */
  async diff(a: { episode: string; take?: number }, b: { episode: string; take?: number }): Promise<TakeDiff | undefined> {
    const x = await this.catalog.take(a.episode, a.take);
    const y = await this.catalog.take(b.episode, b.take);
    if (!x || !y) return undefined;
    const steps = diffTakes(x.interactions, y.interactions);
    return {
      a: { episode: a.episode, take: x.take },
      b: { episode: b.episode, take: y.take },
      steps,
      changed: steps.filter((s) => s.kind !== 'same').length,
    };
  }

  /** Cost, latency and tokens of one episode per take and model. */
  async costs(episode: string): Promise<CostSeries | undefined> {
    const takes = (await this.catalog.takes(episode)).map((t) => t.take);
    if (takes.length === 0) return undefined;
    const sums = new Map<string, Map<number, { cost: number; latency: number; tokens: number; n: number }>>();
    for (const take of takes) {
      for (const i of (await this.catalog.take(episode, take))?.interactions ?? []) {
        const model = modelOf(i) ?? i.provider;
        let perTake = sums.get(model);
        if (!perTake) sums.set(model, (perTake = new Map()));
        const s = perTake.get(take) ?? { cost: 0, latency: 0, tokens: 0, n: 0 };
        s.cost += i.costUsd ?? 0;
        s.latency += i.timings.totalMs;
        s.tokens += (i.usage?.inputTokens ?? 0) + (i.usage?.outputTokens ?? 0);
        s.n++;
        perTake.set(take, s);
      }
    }
    return {
      episode,
      takes,
      series: [...sums].map(([model, perTake]) => ({
        model,
        costUsd: takes.map((t) => (perTake.has(t) ? Math.round((perTake.get(t)?.cost ?? 0) * 1e6) / 1e6 : null)),
        latencyMs: takes.map((t) => (perTake.has(t) ? Math.round(perTake.get(t)?.latency ?? 0) : null)),
        tokens: takes.map((t) => (perTake.has(t) ? (perTake.get(t)?.tokens ?? 0) : null)),
      })),
    };
  }

  /** The contract check of the newest takes against the baseline, run when asked (kept 10 s). */
  async drift(fresh = false): Promise<DriftView> {
    if (!fresh && this.#drift && Date.now() - this.#drift.at < 10_000) return this.#drift.view;
    const { runContractCheck } = await import('../contract/run-contract-check.js');
    const store = this.#store();
    if (!store) return { checkedAt: new Date().toISOString(), contractsDir: this.#o.contractsDir, ok: true, findings: [], unchecked: [] };
    const result = await runContractCheck(store, {
      contractsDir: this.#o.contractsDir,
      ...(this.#o.contractConfig ? { config: this.#o.contractConfig } : {}),
    });
    const view = driftView(result, this.#o.contractsDir);
    this.#drift = { at: Date.now(), view };
    return view;
  }

  /** A call for the page: a miss is explained with the nearest recording's request beside it. */
  async activityEvent(call: CallRecord): Promise<ActivityEvent> {
    const { detail, ...event } = call;
    return detail ? { ...event, miss: await this.missView(call, detail) } : event;
  }

  async missView(call: { episode: string; provider: string; method: string; path: string }, detail: MissDetail): Promise<MissView> {
    const why = detail.explanation;
    let nearest: MissView['nearest'];
    if (why?.nearest) {
      const take = await this.catalog.take(call.episode);
      const recorded = take?.interactions.find((i) => i.position === why.nearest?.position);
      nearest = {
        ...(take ? { take: take.take } : {}),
        ...why.nearest,
        ...(recorded ? { request: this.#o.redactor.json(structuredClone(bodyView(recorded))) } : {}),
      };
    }
    return {
      episode: call.episode,
      provider: call.provider,
      method: call.method,
      path: call.path,
      message: detail.message,
      request: this.#o.redactor.json(structuredClone(requestView(detail.request))),
      ...(nearest ? { nearest } : {}),
      differences: why?.differences ?? [],
      paths: (why?.changes ?? []).map((c) => c.path),
    };
  }
}

const NO_STORE: CatalogStore = {
  listTakes: () => Promise.resolve([]),
  summarizeEpisodes: () => Promise.resolve({ total: 0, items: [], models: [], providers: [] }),
  interactions: () => ({ [Symbol.asyncIterator]: () => ({ next: () => Promise.resolve({ done: true as const, value: undefined }) }) }),
};

function bodyView(i: Interaction): unknown {
  return requestView(i.request);
}

function requestView(r: Interaction['request']): unknown {
  const b = r.body;
  return b.kind === 'json' ? b.json : b.kind === 'text' ? b.text : b.kind === 'base64' ? `<${b.base64.length} base64 characters>` : null;
}

function driftView(
  result: Awaited<ReturnType<typeof import('../contract/run-contract-check.js').runContractCheck>>,
  dir: string,
): DriftView {
  return {
    checkedAt: new Date().toISOString(),
    contractsDir: dir,
    ok: result.ok,
    findings: result.findings.map((f) => ({
      severity: f.severity,
      check: f.check,
      provider: f.provider,
      endpoint: f.endpoint,
      path: f.path,
      message: f.message,
      baseline: f.baseline,
      observed: f.observed,
      evidence: f.interactions,
    })),
    unchecked: result.unchecked,
  };
}
