import type { CassetteOptions } from '../config/load-config.js';
import type { ProxyRuntime } from '../modes/proxy-runtime.js';
import { Recorder } from '../modes/recorder.js';
import { RecordingFlights } from '../modes/recording-flights.js';
import { Replayer } from '../modes/replayer.js';
import { storeExists } from '../store/store-location.js';
import type { Store } from '../store/store.js';
import type { Mode } from '../types.js';
import { MODE_TABLE } from './mode-table.js';
import { openModeStore } from './open-mode-store.js';

/** What every mode's runtime shares: one matcher, one redactor, one set of counters, one budget. */
export type ProxyShared = Pick<
  ProxyRuntime,
  'options' | 'matcher' | 'canonicalBody' | 'redactor' | 'stats' | 'logger' | 'budget' | 'chaos'
>;

/** The parts one mode needs (store handle, replayer, recorder, upstream, contract checker), as its traits say. */
export interface ModeRuntime {
  rt: ProxyRuntime;
  store: Store | undefined;
  /** A reading mode opened before the store existed: it reads the store once another mode made it. */
  placeholder: boolean;
}

export async function buildModeRuntime(mode: Mode, shared: ProxyShared): Promise<ModeRuntime> {
  const { options, logger } = shared;
  const { traits } = MODE_TABLE[mode];
  const o: CassetteOptions = mode === options.mode ? options : { ...options, mode };
  const placeholder = traits.store === 'read' && !storeExists(options.store);
  const store = await openModeStore(o, traits, logger);
  const replayer = store && traits.replays ? new Replayer(store, shared.matcher, options.strict) : undefined;
  const recorder =
    store && traits.records ? new Recorder(store, mode, logger, options.onStoreError, { continues: traits.continuesTakes }) : undefined;
  const { upstreamTimeoutMs, idleTimeoutMs } = options.file.limits;
  const flights =
    store && traits.sharesMisses ? new RecordingFlights(store, replayer, Math.max(upstreamTimeoutMs, idleTimeoutMs) + 10_000) : undefined;
  // Imported on use: a golden or mock proxy never loads the HTTP client, and the contract checker
  // (and zod with it) is loaded by a mode that checks answers only.
  const upstream = traits.forwards ? (await import('../upstream/forward-request.js')).createUpstream(options.file.limits) : undefined;
  const smoke = traits.checksContract ? await import('../modes/smoke-checker.js') : undefined;
  const rt: ProxyRuntime = {
    ...shared,
    options: o,
    traits,
    upstream,
    replayer,
    recorder,
    flights,
    ...(smoke ? { checkAnswer: await smoke.createSmokeChecker(options.contractsDir, options.file.contract, logger, options.store) } : {}),
  };
  return { rt, store, placeholder };
}
