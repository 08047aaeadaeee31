import type { CassetteOptions } from '../config/load-config.js';
import type { Logger } from '../log.js';
import type { CanonicalBodyFn } from '../match/canonical-body.js';
import type { RequestMatcher } from '../match/request-matcher.js';
import type { Route } from '../providers/registry.js';
import type { Budget } from '../safety/budget.js';
import type { Chaos } from '../safety/chaos.js';
import type { Redactor } from '../safety/create-redactor.js';
import type { Interaction } from '../types.js';
import type { Upstream } from '../upstream/forward-request.js';
import type { ProxyStats } from './proxy-stats.js';
import type { Recorder } from './recorder.js';
import type { RecordingFlights } from './recording-flights.js';
import type { Replayer } from './replayer.js';
import type { SmokeFinding } from './smoke-checker.js';

/**
 * What a mode does, as the pipeline's table says (`src/pipeline/mode-table.ts`): which parts its
 * runtime holds, and which way a WebSocket session goes. Code below the pipeline asks these,
 * never the mode's name.
 */
export interface ModeTraits {
  /** The store: not opened, opened to read (replay), or opened to write takes. */
  readonly store: 'none' | 'read' | 'write';
  /** Serves recorded answers (it has a replayer). */
  readonly replays: boolean;
  /** Writes what it forwards into takes (it has a recorder). */
  readonly records: boolean;
  /** Opens connections to providers (it has an upstream client). */
  readonly forwards: boolean;
  /** Makes answers up from the request alone. */
  readonly fakes: boolean;
  /** Forwards identical misses once across the processes sharing the store. */
  readonly sharesMisses: boolean;
  /** Records into the episode's newest take, shared with the other processes doing so, rather than a new take per session. */
  readonly continuesTakes: boolean;
  /** Compares each live answer with the contract. */
  readonly checksContract: boolean;
}

/** Everything a proxied call may use; built once per mode a server serves. */
export interface ProxyRuntime {
  options: CassetteOptions;
  traits: ModeTraits;
  matcher: RequestMatcher;
  canonicalBody: (provider: string) => CanonicalBodyFn;
  redactor: Redactor;
  stats: ProxyStats;
  logger: Logger;
  budget: Budget;
  /** Absent in modes that do not forward: they cannot open a connection. */
  upstream: Upstream | undefined;
  replayer: Replayer | undefined;
  recorder: Recorder | undefined;
  /** Identical misses forwarded once, across the processes sharing the store. */
  flights?: RecordingFlights | undefined;
  chaos: (episode: string) => Chaos | undefined;
  /** Compares one live answer with the contract; returns drift findings. */
  checkAnswer?: (route: Route, interaction: Interaction) => SmokeFinding[];
}
