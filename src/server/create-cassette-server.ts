import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import type { CassetteOptions } from '../config/load-config.js';
import type { Logger } from '../log.js';
import type { ProxyStats } from '../modes/proxy-stats.js';
import { ModeRuntimes } from '../pipeline/mode-runtimes.js';
import { createProviderRegistry } from '../providers/registry.js';
import { ActivityFeed } from '../ui/activity-feed.js';
import { createUiHost } from '../ui/ui-host.js';
import type { UiHost } from '../ui/ui-host.js';
import { PRODUCT_VERSION } from '../version.js';
import { answerClientError } from './answer-client-error.js';
import { attachUpgrades } from './attach-upgrades.js';
import { baseUrlEnv } from './base-url-env.js';
import { closeServer } from './close-server.js';
import { createRequestHandler } from './create-request-handler.js';
import { EpisodeChaos } from './episode-chaos.js';
import { EpisodeControl } from './episode-control.js';
import { listenServer } from './listen-server.js';
import { createRequestGuard } from './request-guard.js';
import { assertEpisodeId } from './route-request.js';
import { buildSummary } from './run-summary.js';
import type { RunSummary } from './run-summary.js';
import type { ServedTake } from '../store/run-record.js';

export interface CassetteServer {
  readonly url: string;
  readonly port: number;
  /** The `*_BASE_URL` variables a SUT needs, pointing at this proxy. */
  readonly env: Record<string, string>;
  /** The same variables with an `/episodes/<id>/` prefix: a SUT using them records or replays that episode. */
  envFor(episode: string): Record<string, string>;
  readonly options: CassetteOptions;
  /** With --tls: the certificate clients must trust (NODE_EXTRA_CA_CERTS, SSL_CERT_FILE). */
  readonly tlsCertFile?: string;
  readonly stats: ProxyStats;
  /** Switches the current episode; what was served of it is forgotten. */
  setEpisode(id: string): void;
  summary(): RunSummary;
  /** The takes served from in this session, with their hits (the run ledger's `served`). */
  servedTakes(): ServedTake[];
  /** How many replayable recordings an episode has (golden and record-missing). */
  recordingCount(episode: string): Promise<number>;
  /** The web UI at `/__cassette/ui` (its service builds reports), and this session's calls. */
  readonly ui: UiHost;
  readonly activity: ActivityFeed;
  /** Stops accepting, waits for in-flight calls (bounded), closes the store. */
  stop(): Promise<void>;
}

export interface StartOptions {
  logger: Logger;
  /** `replay`: episodes loaded up front so untouched recordings count as unused. */
  preload?: readonly string[];
}

/** Starts the proxy on `options.host:options.port` (0 = any free port). */
export async function startCassetteServer(options: CassetteOptions, start: StartOptions): Promise<CassetteServer> {
  const { logger } = start;
  // Checked before the store opens or anything is forwarded: a bad id would be paid for, then unstorable.
  assertEpisodeId(options.episode, options.episodeFrom ?? 'options');
  const providers = createProviderRegistry(options.file.providers, options.upstreams);
  const chaos = new EpisodeChaos(options.chaos);
  // What each mode does with a request, and the runtimes of the modes served (src/pipeline/).
  const runtimes = await ModeRuntimes.open(options, logger, providers, chaos.of, start.preload);
  const { rt } = runtimes.main;
  const { stats, redactor } = rt;
  const episodes = new EpisodeControl(options, runtimes, chaos);
  const { built } = runtimes;
  // Unused recordings, divergences and store failures of every mode's runtime.
  const allReplayers = {
    unused: () => built.flatMap((m) => m.rt.replayer?.unused() ?? []),
    divergences: () => built.flatMap((m) => m.rt.replayer?.divergences() ?? []),
  };
  const allRecorders = {
    get failed() {
      return built.reduce((n, m) => n + (m.rt.recorder?.failed ?? 0), 0);
    },
  };
  const summary = (): RunSummary =>
    built.length === 1 ? buildSummary(options, stats, rt.replayer, rt.recorder) : buildSummary(options, stats, allReplayers, allRecorders);
  const inFlight = new Set<Promise<unknown>>();
  // Host, Origin and content-type checks and the constant-time token compare (docs/security.md).
  const guard = createRequestGuard({
    host: options.host,
    allowedHosts: options.allowedHosts ?? options.file.allowedHosts,
    allowedOrigins: options.file.allowedOrigins,
    authToken: options.authToken,
  });
  const activity = new ActivityFeed();
  /** What `/__cassette/stats` reports under `memory`: every per-episode and per-miss structure, each bounded. */
  const memory = (): Record<string, number> => {
    const sum: Record<string, number> = { missSamples: stats.misses.length, driftSamples: stats.drift.length, ...activity.tracked };
    for (const m of built) {
      for (const [k, v] of Object.entries({ ...m.rt.replayer?.tracked, ...m.rt.recorder?.memory })) sum[k] = (sum[k] ?? 0) + v;
    }
    return sum;
  };
  const ui = createUiHost({
    store: () => runtimes.store(),
    activity,
    redactor,
    contractsDir: options.contractsDir,
    ...(options.file.contract ? { contractConfig: options.file.contract } : {}),
    guard,
    authToken: options.authToken,
    info: { mode: options.mode, store: options.store, live: true, version: PRODUCT_VERSION },
  });
  const onRequest = createRequestHandler({
    options,
    logger,
    providers,
    runtimes,
    episodes,
    guard,
    ui,
    activity,
    inFlight,
    control: {
      mode: options.mode,
      store: options.store,
      stats,
      setEpisode: (id, c) => episodes.setEpisode(id, c),
      switchEpisode: (id, c, settings) => episodes.switchEpisode(id, c, settings),
      summary,
      memory,
    },
  });

  const tls = options.tls ? (await import('./tls-certificate.js')).loadTlsMaterial(options.tls) : undefined;
  const tlsServer = tls ? (await import('./create-tls-server.js')).createTlsServer : undefined;
  const serverOptions = { keepAliveTimeout: 5_000, requestTimeout: 0, headersTimeout: 60_000 };
  // --tls: https (HTTP/2 and HTTP/1.1) and wss on the same port, for clients that always dial
  // wss: (docs/websocket.md) or speak HTTP/2 only (the AWS SDK's Bedrock client, docs/bedrock.md).
  const server = tls && tlsServer ? tlsServer(tls, serverOptions, onRequest) : createServer(serverOptions, onRequest);
  // Idle client sockets (issue 13 item 10): silence closes a socket, never total length. Waiting
  // for a request head: limits.clientIdleTimeoutMs; inside a request the client may wait as long
  // as the upstream may be silent (its headers, then a reasoning model's pauses) and a bit more.
  const { clientIdleTimeoutMs, upstreamTimeoutMs, idleTimeoutMs } = options.file.limits;
  const requestSilenceMs = Math.max(upstreamTimeoutMs, idleTimeoutMs) + 10_000;
  server.on('connection', (socket: Socket) => socket.setTimeout(clientIdleTimeoutMs));
  server.on('request', (req) => req.socket.setTimeout(requestSilenceMs));
  server.on('clientError', answerClientError);
  const closeSessions = attachUpgrades(server, { rt, providers, episodes, guard, inFlight });

  const port = await listenServer(server, options.host, options.port);
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `${tls ? 'https' : 'http'}://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
  if (!isLoopback(options.host) && !options.authToken) {
    logger.warn(
      { host: options.host },
      `WARNING: listening on non-loopback address ${options.host} without --auth-token: anyone who can reach it can spend your provider keys`,
    );
  }

  return {
    url,
    port,
    env: { ...baseUrlEnv(url, providers), ...(tls ? { NODE_EXTRA_CA_CERTS: tls.certFile } : {}) },
    ...(tls ? { tlsCertFile: tls.certFile } : {}),
    envFor: (episode) => ({ ...baseUrlEnv(`${url}/episodes/${episode}`, providers), CASSETTE_URL: url, CASSETTE_EPISODE: episode }),
    options,
    stats,
    setEpisode: (id) => episodes.setEpisode(id),
    summary,
    servedTakes: () => sumServed(built.flatMap((m) => m.rt.replayer?.servedTakes() ?? [])),
    recordingCount: async (episode) => (await rt.replayer?.recordingCount(episode)) ?? 0,
    ui,
    activity,
    async stop() {
      await closeSessions();
      await closeServer(server, inFlight);
      await runtimes.close();
    },
  };
}

/** One entry per episode and take (per-episode modes may have served the same take from two replayers). */
function sumServed(takes: readonly ServedTake[]): ServedTake[] {
  const sums = new Map<string, ServedTake>();
  for (const t of takes) {
    const k = `${t.episode}\0${t.take}`;
    const had = sums.get(k);
    sums.set(k, { ...t, hits: t.hits + (had?.hits ?? 0) });
  }
  return [...sums.values()].sort((a, b) => a.episode.localeCompare(b.episode) || a.take - b.take);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}
