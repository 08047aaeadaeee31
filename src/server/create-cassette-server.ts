import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { CassetteOptions } from '../config/load-config.js';
import { MODES } from '../types.js';
import type { Mode } from '../types.js';
import { CassetteError, toCassetteError } from '../errors.js';
import type { Logger } from '../log.js';
import { createCanonicalBody } from '../match/canonical-body.js';
import type { CanonicalBodyFn } from '../match/canonical-body.js';
import { RequestMatcher } from '../match/request-matcher.js';
import { handleProxyCall } from '../modes/handle-proxy-call.js';
import { RecordingFlights } from '../modes/recording-flights.js';
import { sendError } from '../modes/send-error.js';
import type { MissDetail, ProxyRuntime } from '../modes/handle-proxy-call.js';
import { ProxyStats } from '../modes/proxy-stats.js';
import { Recorder } from '../modes/recorder.js';
import { Replayer } from '../modes/replayer.js';
import { createProviderRegistry } from '../providers/registry.js';
import type { Route } from '../providers/registry.js';
import { Budget } from '../safety/budget.js';
import { createChaos, parseChaosFaults } from '../safety/chaos.js';
import type { Chaos } from '../safety/chaos.js';
import { createRedactor } from '../safety/create-redactor.js';
import { closeServer } from './close-server.js';
import { handleControl } from './control-endpoints.js';
import type { EpisodeSettings } from './control-endpoints.js';
import { openModeStore } from './open-mode-store.js';
import { closeAfterDrain, readBody } from './read-body.js';
import { createRequestGuard } from './request-guard.js';
import { assertEpisodeId, routeRequest } from './route-request.js';
import { buildSummary } from './run-summary.js';
import { ActivityFeed } from '../ui/activity-feed.js';
import { createUiHost, isUiPath } from '../ui/ui-host.js';
import type { UiHost } from '../ui/ui-host.js';
import { PRODUCT_VERSION } from '../version.js';
import type { RunSummary } from './run-summary.js';
import { storeExists } from '../store/store-location.js';

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

const RECORDING_MODES = new Set(['live', 'record-missing']);

/** Starts the proxy on `options.host:options.port` (0 = any free port). */
export async function startCassetteServer(options: CassetteOptions, start: StartOptions): Promise<CassetteServer> {
  const { logger } = start;
  // Checked before the store opens or anything is forwarded: a bad id would be paid for, then unstorable.
  assertEpisodeId(options.episode, options.episodeFrom ?? 'options');
  const providers = createProviderRegistry(options.file.providers, options.upstreams);
  const redactor = createRedactor(options.file.redact);
  const canonicalBody = canonicalBodyPerProvider(providers, options);
  const matcher = new RequestMatcher(options.file.match.headers, redactor, canonicalBody);
  const stats = new ProxyStats();
  const budget = new Budget(options.maxRequests, options.maxCostUsd);
  const state = { episode: options.episode };
  const globalChaos = options.chaos ? createChaos(options.chaos) : undefined;
  const episodeChaos = new Map<string, Chaos | undefined>();
  const chaosOf = (episode: string): Chaos | undefined => (episodeChaos.has(episode) ? episodeChaos.get(episode) : globalChaos);

  /** The parts one mode needs: store handle, replayer, recorder, upstream, smoke checker. */
  interface ModeRuntime {
    rt: ProxyRuntime;
    store: Awaited<ReturnType<typeof openModeStore>>;
    /** Golden opened before the store existed: it reads the store once another mode made it. */
    placeholder: boolean;
  }
  const buildRuntime = async (mode: Mode): Promise<ModeRuntime> => {
    const o: CassetteOptions = mode === options.mode ? options : { ...options, mode };
    const placeholder = mode === 'golden' && !storeExists(options.store);
    const store = await openModeStore(o, logger);
    const replayer = store && (mode === 'golden' || mode === 'record-missing') ? new Replayer(store, matcher, options.strict) : undefined;
    const recorder = store && RECORDING_MODES.has(mode) ? new Recorder(store, mode, logger, options.onStoreError) : undefined;
    const { upstreamTimeoutMs, idleTimeoutMs } = options.file.limits;
    const flights =
      store && mode === 'record-missing'
        ? new RecordingFlights(store, replayer, Math.max(upstreamTimeoutMs, idleTimeoutMs) + 10_000)
        : undefined;
    const forwarding = mode !== 'golden' && mode !== 'mock';
    const upstream = forwarding ? (await import('../upstream/forward-request.js')).createUpstream(options.file.limits) : undefined;
    // Imported here, not at the top: the contract checker (and zod with it) serves smoke mode only.
    const smoke = mode === 'smoke' ? await import('../modes/smoke-checker.js') : undefined;
    const rt: ProxyRuntime = {
      options: o,
      matcher,
      canonicalBody,
      redactor,
      stats,
      logger,
      budget,
      upstream,
      replayer,
      recorder,
      flights,
      chaos: chaosOf,
      ...(smoke ? { checkAnswer: await smoke.createSmokeChecker(options.contractsDir, options.file.contract, logger, options.store) } : {}),
    };
    return { rt, store, placeholder };
  };
  const main = await buildRuntime(options.mode);
  const { rt } = main;
  /**
   * Per-episode modes (`POST /__cassette/episode {"id","mode"}`): the runtime of each other mode
   * is built when an episode first asks for it and kept for the proxy's life.
   */
  const runtimes = new Map<Mode, Promise<ModeRuntime>>([[options.mode, Promise.resolve(main)]]);
  const built: ModeRuntime[] = [main];
  const episodeModes = new Map<string, Mode>();
  const runtimeFor = (mode: Mode): Promise<ModeRuntime> => {
    let r = runtimes.get(mode);
    if (!r) {
      r = buildRuntime(mode).then((m) => (built.push(m), m));
      runtimes.set(mode, r);
      r.catch(() => runtimes.delete(mode));
    }
    return r;
  };
  for (const e of start.preload ?? []) await rt.replayer?.load(e);

  /** A control request's chaos block, built (and so validated) before anything is switched. */
  const chaosBlock = (chaos: { rate: number; seed?: number; faults?: string } | null | undefined): Chaos | undefined =>
    chaos ? createChaos({ rate: chaos.rate, seed: chaos.seed ?? 0, faults: parseChaosFaults(chaos.faults ?? '429,500,529') }) : undefined;
  const setEpisode = (id: string, chaos?: { rate: number; seed?: number; faults?: string } | null): void => {
    assertEpisodeId(id, 'setEpisode');
    // Validate everything first, then apply: a bad chaos block must not have switched the episode.
    const own = chaosBlock(chaos);
    state.episode = id;
    for (const m of built) m.rt.replayer?.reset(id);
    if (chaos === null) episodeChaos.set(id, undefined);
    else if (own) episodeChaos.set(id, own);
    episodeChaos.get(id)?.reset();
    globalChaos?.reset();
  };
  /** The control API's switch: also sets the episode's own mode (`null`: the server's) and, live, a fresh take. */
  const switchEpisode = async (
    id: string,
    chaos: { rate: number; seed?: number; faults?: string } | null | undefined,
    settings: EpisodeSettings,
  ): Promise<{ mode: Mode; recordings: number | null }> => {
    assertEpisodeId(id, 'POST /__cassette/episode');
    chaosBlock(chaos);
    let mode = episodeModes.get(id) ?? options.mode;
    if (settings.mode !== undefined) {
      if (settings.mode !== null && !(MODES as readonly string[]).includes(settings.mode))
        throw new CassetteError('bad_usage', `POST /__cassette/episode: unknown mode "${settings.mode}"`, {
          httpStatus: 400,
          hint: `Modes: ${MODES.join(', ')}.`,
        });
      mode = (settings.mode as Mode | null) ?? options.mode;
    }
    const target = await runtimeFor(mode);
    // Another mode may have recorded this episode since a replayer indexed it.
    for (const m of built) {
      if (m.placeholder && storeExists(options.store)) {
        const fresh = await buildRuntime('golden');
        await m.store?.close();
        Object.assign(m, { store: fresh.store, placeholder: fresh.placeholder });
        m.rt.replayer = fresh.rt.replayer;
      }
      m.rt.replayer?.forget(id);
    }
    if (mode === options.mode) episodeModes.delete(id);
    else episodeModes.set(id, mode);
    setEpisode(id, chaos);
    if (settings.freshTake) for (const m of built) await m.rt.recorder?.restart(id);
    const counter = target.rt.replayer ?? built.find((m) => m.rt.replayer)?.rt.replayer;
    return { mode, recordings: counter ? await counter.recordingCount(id) : null };
  };
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
  const ui = createUiHost({
    // The store of whichever mode has one (a golden placeholder is swapped once another mode records).
    store: () => main.store ?? built.find((m) => m.store)?.store,
    activity,
    redactor,
    contractsDir: options.contractsDir,
    ...(options.file.contract ? { contractConfig: options.file.contract } : {}),
    guard,
    authToken: options.authToken,
    info: { mode: options.mode, store: options.store, live: true, version: PRODUCT_VERSION },
  });

  const tls = options.tls ? (await import('./tls-certificate.js')).loadTlsMaterial(options.tls) : undefined;
  const tlsServer = tls ? (await import('./create-tls-server.js')).createTlsServer : undefined;
  const serverOptions = { keepAliveTimeout: 5_000, requestTimeout: 0, headersTimeout: 60_000 };
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const p = handle(req, res);
    inFlight.add(p);
    p.then(
      () => inFlight.delete(p),
      (err: unknown) => {
        inFlight.delete(p);
        logger.error({ code: 'internal_error', err: (err as Error).message }, 'request failed');
        if (!res.headersSent) sendError(res, undefined, toCassetteError(err));
        else res.destroy();
      },
    );
  };
  // --tls: https (HTTP/2 and HTTP/1.1) and wss on the same port, for clients that always dial
  // wss: (docs/websocket.md) or speak HTTP/2 only (the AWS SDK's Bedrock client, docs/bedrock.md).
  const server = tls && tlsServer ? tlsServer(tls, serverOptions, onRequest) : createServer(serverOptions, onRequest);
  // Idle client sockets (issue 13 item 10): silence closes a socket, never total length. Waiting
  // for a request head: limits.clientIdleTimeoutMs; inside a request the client may wait as long
  // as the upstream may be silent (its headers, then a reasoning model's pauses) and a bit more.
  const { clientIdleTimeoutMs, upstreamTimeoutMs, idleTimeoutMs } = options.file.limits;
  const requestSilenceMs = Math.max(upstreamTimeoutMs, idleTimeoutMs) + 10_000;
  server.on('connection', (socket: Socket) => socket.setTimeout(clientIdleTimeoutMs));
  server.on('request', (req: IncomingMessage) => req.socket.setTimeout(requestSilenceMs));
  // Malformed HTTP never reaches a handler: answer 400 and close, and stay up.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    // Say what was wrong (the parser's code), and 431 for a request head over Node's 16 KiB limit.
    const overflow = err.code === 'HPE_HEADER_OVERFLOW';
    const message = overflow
      ? 'the request line and headers are larger than 16 KiB'
      : `malformed HTTP/1.1 request (${err.code ?? 'parse error'})`;
    const body = JSON.stringify({ error: { type: 'bad_usage', code: 'bad_usage', message } });
    socket.end(
      `HTTP/1.1 ${overflow ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nconnection: close\r\ncontent-type: application/json\r\n` +
        `x-should-retry: false\r\nx-cassette-error: bad_usage\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const url = req.url ?? '/';
    if (isUiPath(url)) return ui.serve(req, res).catch((err: unknown) => void sendError(res, undefined, toCassetteError(err)));
    if (url.startsWith('/__cassette/')) {
      const name = url.slice('/__cassette/'.length).split('?')[0] ?? '';
      try {
        guard.control(req);
        if (!guard.authorized(req)) {
          // Health answers without the token (a Docker HEALTHCHECK has none) and says nothing more.
          if (name !== 'health' || (req.method !== 'GET' && req.method !== 'HEAD')) throw unauthorized();
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': '11' });
          res.end('{"ok":true}');
          return;
        }
        await handleControl(
          req,
          res,
          name,
          { mode: options.mode, store: options.store, episode: state.episode, stats, setEpisode, switchEpisode, summary },
          () => readBody(req, 1024 * 1024),
        );
      } catch (err) {
        sendError(res, undefined, toCassetteError(err));
      }
      return;
    }
    let provider: Route | undefined;
    let episode = state.episode;
    try {
      guard.proxy(req);
      if (!guard.authorized(req)) throw unauthorized();
      const route = routeRequest(url, providers);
      provider = route.provider;
      const header = req.headers['x-cassette-episode'];
      if (typeof header === 'string') assertEpisodeId(header, 'header x-cassette-episode');
      episode = typeof header === 'string' ? header : (route.pathEpisode ?? state.episode);
      const body = await readBody(req, options.file.limits.maxBodyBytes);
      const own = episodeModes.get(episode);
      const served = handleProxyCall(own === undefined ? rt : (await runtimeFor(own)).rt, {
        req,
        res,
        route: provider,
        episode,
        path: route.path,
        query: route.query,
        body,
        startedAt,
      });
      const result = served instanceof Promise ? await served : served;
      finish(result.outcome, result.status, result.key, undefined, result.miss);
    } catch (err) {
      const error = toCassetteError(err);
      const outcome = error.code !== 'client_closed_request' && error.httpStatus < 500 ? 'refused' : 'fault';
      sendError(res, provider?.provider, error, error.code === 'cassette_miss' ? { 'x-cassette-miss': '1' } : {});
      if (error.code === 'body_too_large') closeAfterDrain(req, res);
      finish(outcome, error.httpStatus, undefined, error);
    }

    function finish(
      outcome: Parameters<ProxyStats['count']>[1],
      status: number,
      key?: string,
      error?: CassetteError,
      miss?: MissDetail,
    ): void {
      const ms = performance.now() - startedAt;
      const name = provider?.name ?? 'unknown';
      stats.count(name, outcome, ms / 1000);
      const path = url.split('?')[0] ?? url;
      activity.push({
        at: new Date().toISOString(),
        episode,
        provider: name,
        method: req.method ?? 'GET',
        path,
        outcome,
        status,
        ms: Math.round(ms * 10) / 10,
        ...(miss ? { detail: miss } : {}),
      });
      if (!error && !logger.infoEnabled) return;
      const fields = {
        episode,
        provider: name,
        method: req.method,
        path: url.split('?')[0],
        mode: options.mode,
        outcome,
        status,
        key,
        ms: Math.round(ms * 10) / 10,
      };
      if (error) logger.warn({ ...fields, code: error.code }, error.message);
      else logger.info(fields, `${outcome} ${req.method} ${url.split('?')[0]} ${status}`);
    }
  }

  // WebSocket sessions (docs/websocket.md): `ws` is loaded on the first upgrade, not at start.
  const sockets = new Set<WebSocket>();
  let upgrades: Promise<(req: IncomingMessage, socket: Duplex, head: Buffer) => void> | undefined;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    upgrades ??= import('../modes/websocket/handle-upgrade.js').then((m) =>
      m.createUpgradeHandler({
        rt,
        sockets,
        track(work) {
          inFlight.add(work);
          void work.finally(() => inFlight.delete(work));
        },
        route(r) {
          guard.proxy(r);
          if (!guard.authorized(r)) throw unauthorized();
          const route = routeRequest(r.url ?? '/', providers);
          const header = r.headers['x-cassette-episode'];
          if (typeof header === 'string') assertEpisodeId(header, 'header x-cassette-episode');
          const episode = typeof header === 'string' ? header : (route.pathEpisode ?? state.episode);
          return { provider: route.provider, episode, path: route.path, query: route.query };
        },
      }),
    );
    upgrades.then(
      (handle) => handle(req, socket, head),
      () => socket.destroy(),
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new CassetteError('cannot_start', `cannot listen on ${options.host}:${options.port}: ${err.code ?? err.message}`, {
          cause: err,
          hint: listenHint(err.code),
        }),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
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
    setEpisode: (id) => setEpisode(id),
    summary,
    recordingCount: async (episode) => (await rt.replayer?.recordingCount(episode)) ?? 0,
    ui,
    activity,
    async stop() {
      if (sockets.size > 0) await (await import('../modes/websocket/handle-upgrade.js')).closeSessions(sockets);
      await closeServer(server, inFlight);
      for (const m of built) {
        await m.rt.recorder?.close();
        await m.rt.upstream?.close().catch(() => undefined);
        await m.store?.close();
      }
    },
  };
}

/** `OPENAI_BASE_URL=http://127.0.0.1:8787/openai/v1`, one per provider. */
export function baseUrlEnv(url: string, providers: ReadonlyMap<string, Route>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const p of providers.values()) env[p.baseUrlEnv] = `${url}/${p.name}${p.baseUrlSuffix}`;
  // Some SDKs read another name too (each provider module lists them).
  for (const p of providers.values()) {
    if (p.baseUrlEnv !== p.provider.baseUrlEnv) continue;
    for (const alias of p.provider.baseUrlEnvAliases ?? []) env[alias] = env[p.baseUrlEnv] as string;
  }
  env.CASSETTE_URL = url;
  return env;
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

function unauthorized(): CassetteError {
  return new CassetteError('unauthorized', 'this proxy requires --auth-token: send it as header x-cassette-auth', {
    hint: 'Set the x-cassette-auth header (or Proxy-Authorization: Bearer <token>) on every request.',
  });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** What to do when the proxy cannot listen: a bad --host is not fixed by another port. */
export function listenHint(code: string | undefined): string {
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return 'No network interface of this machine has that address: fix --host (127.0.0.1 by default, 0.0.0.0 for every interface).';
  if (code === 'EACCES') return 'That port needs privileges: pick a --port above 1023 (0 = any free port).';
  return 'Pick another --port (0 = any free port).';
}
