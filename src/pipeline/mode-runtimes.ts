import type { CassetteOptions } from '../config/load-config.js';
import { CassetteError } from '../errors.js';
import type { Logger } from '../log.js';
import { createCanonicalBody } from '../match/canonical-body.js';
import type { CanonicalBodyFn } from '../match/canonical-body.js';
import { RequestMatcher } from '../match/request-matcher.js';
import { ProxyStats } from '../modes/proxy-stats.js';
import type { ProxyRuntime } from '../modes/proxy-runtime.js';
import type { Replayer } from '../modes/replayer.js';
import type { Route } from '../providers/registry.js';
import { Budget } from '../safety/budget.js';
import type { Chaos } from '../safety/chaos.js';
import { createRedactor } from '../safety/create-redactor.js';
import { storeExists } from '../store/store-location.js';
import type { Store } from '../store/store.js';
import { MODES } from '../types.js';
import type { Mode } from '../types.js';
import { buildModeRuntime } from './build-mode-runtime.js';
import type { ModeRuntime, ProxyShared } from './build-mode-runtime.js';

/**
 * The runtimes of the modes a proxy serves: its own mode's, built at start, and (per-episode
 * modes, `POST /__cassette/episode {"id","mode"}`) each other mode's, built when an episode first
 * asks for it and kept for the proxy's life.
 */
export class ModeRuntimes {
  /** The server's own mode. */
  readonly main: ModeRuntime;
  /** Every runtime built so far, the main one first. */
  readonly built: ModeRuntime[];
  readonly #shared: ProxyShared;
  readonly #runtimes: Map<Mode, Promise<ModeRuntime>>;
  readonly #episodeModes = new Map<string, Mode>();

  private constructor(shared: ProxyShared, main: ModeRuntime) {
    this.#shared = shared;
    this.main = main;
    this.built = [main];
    this.#runtimes = new Map([[shared.options.mode, Promise.resolve(main)]]);
  }

  /** Builds what every mode shares and the server's own mode's runtime; `preload`: episodes indexed up front. */
  static async open(
    options: CassetteOptions,
    logger: Logger,
    providers: ReadonlyMap<string, Route>,
    chaos: (episode: string) => Chaos | undefined,
    preload: readonly string[] = [],
  ): Promise<ModeRuntimes> {
    const redactor = createRedactor(options.file.redact);
    const canonicalBody = canonicalBodyPerProvider(providers, options);
    const shared: ProxyShared = {
      options,
      matcher: new RequestMatcher(options.file.match.headers, redactor, canonicalBody),
      canonicalBody,
      redactor,
      stats: new ProxyStats(),
      logger,
      budget: new Budget(options.maxRequests, options.maxCostUsd),
      chaos,
    };
    const runtimes = new ModeRuntimes(shared, await buildModeRuntime(options.mode, shared));
    for (const e of preload) await runtimes.main.rt.replayer?.load(e);
    return runtimes;
  }

  /** The runtime that serves an episode: the server's own unless the episode has a mode of its own. */
  runtimeOf(episode: string): ProxyRuntime | Promise<ProxyRuntime> {
    const own = this.#episodeModes.get(episode);
    return own === undefined ? this.main.rt : this.#runtimeFor(own).then((m) => m.rt);
  }

  /**
   * Gives an episode its own mode (`null`: the server's again; `undefined`: keep what it has), after
   * building that mode's runtime. Replayers forget what they indexed of the episode: another mode
   * may have recorded it since. Answers the episode's mode and its runtime.
   */
  async setMode(id: string, mode: string | null | undefined): Promise<{ mode: Mode; rt: ProxyRuntime }> {
    const server = this.#shared.options.mode;
    if (mode !== undefined && mode !== null && !(MODES as readonly string[]).includes(mode))
      throw new CassetteError('bad_usage', `POST /__cassette/episode: unknown mode "${mode}"`, {
        httpStatus: 400,
        hint: `Modes: ${MODES.join(', ')}.`,
      });
    const next = mode === undefined ? (this.#episodeModes.get(id) ?? server) : ((mode as Mode | null) ?? server);
    const target = await this.#runtimeFor(next);
    const { store } = this.#shared.options;
    for (const m of this.built) {
      if (m.placeholder && storeExists(store)) {
        const fresh = await buildModeRuntime(m.rt.options.mode, this.#shared);
        await m.store?.close();
        Object.assign(m, { store: fresh.store, placeholder: fresh.placeholder });
        m.rt.replayer = fresh.rt.replayer;
      }
      m.rt.replayer?.forget(id);
    }
    if (next === server) this.#episodeModes.delete(id);
    else this.#episodeModes.set(id, next);
    return { mode: next, rt: target.rt };
  }

  /** What was served of an episode is forgotten (it is replayed from its first call again). */
  reset(episode: string): void {
    for (const m of this.built) m.rt.replayer?.reset(episode);
  }

  /** The next recorded call of the episode starts a new take. */
  async restart(episode: string): Promise<void> {
    for (const m of this.built) await m.rt.recorder?.restart(episode);
  }

  /** A replayer that can count an episode's recordings: the given runtime's, else any mode's. */
  counter(rt: ProxyRuntime): Replayer | undefined {
    return rt.replayer ?? this.built.find((m) => m.rt.replayer)?.rt.replayer;
  }

  /** The store of whichever mode has one (a reading placeholder is swapped once another mode records). */
  store(): Store | undefined {
    return this.main.store ?? this.built.find((m) => m.store)?.store;
  }

  /** Ends recording, closes upstream connections and stores, mode by mode. */
  async close(): Promise<void> {
    for (const m of this.built) {
      await m.rt.recorder?.close();
      await m.rt.upstream?.close().catch(() => undefined);
      await m.store?.close();
    }
  }

  #runtimeFor(mode: Mode): Promise<ModeRuntime> {
    let r = this.#runtimes.get(mode);
    if (!r) {
      r = buildModeRuntime(mode, this.#shared).then((m) => (this.built.push(m), m));
      this.#runtimes.set(mode, r);
      r.catch(() => this.#runtimes.delete(mode));
    }
    return r;
  }
}

function canonicalBodyPerProvider(providers: ReadonlyMap<string, Route>, options: CassetteOptions): (p: string) => CanonicalBodyFn {
  const table = new Map<string, CanonicalBodyFn>();
  for (const p of providers.values()) {
    table.set(
      p.name,
      createCanonicalBody({
        ignore: [...p.provider.ignoredFields, ...options.file.match.ignore],
        normalize: options.file.match.normalize,
        rewrite: p.provider.keyRewrite,
      }),
    );
  }
  const fallback = createCanonicalBody({ ignore: options.file.match.ignore, normalize: options.file.match.normalize });
  return (name) => table.get(name) ?? fallback;
}
