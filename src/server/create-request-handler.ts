import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CassetteOptions } from '../config/load-config.js';
import { toCassetteError } from '../errors.js';
import type { CassetteError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Outcome } from '../modes/proxy-stats.js';
import { sendError } from '../modes/send-error.js';
import type { MissDetail } from '../pipeline/call-result.js';
import { handleProxyCall } from '../pipeline/handle-proxy-call.js';
import type { ModeRuntimes } from '../pipeline/mode-runtimes.js';
import type { Route } from '../providers/registry.js';
import type { ActivityFeed } from '../ui/activity-feed.js';
import { isUiPath } from '../ui/ui-host.js';
import type { UiHost } from '../ui/ui-host.js';
import type { ControlState } from './control-endpoints.js';
import type { EpisodeControl } from './episode-control.js';
import { closeAfterDrain, readBody } from './read-body.js';
import type { RequestGuard } from './request-guard.js';
import { assertEpisodeId, routeRequest } from './route-request.js';
import { serveControl } from './serve-control.js';
import { unauthorized } from './unauthorized.js';

export interface RequestHandlerContext {
  options: CassetteOptions;
  logger: Logger;
  providers: ReadonlyMap<string, Route>;
  runtimes: ModeRuntimes;
  episodes: EpisodeControl;
  guard: RequestGuard;
  ui: UiHost;
  activity: ActivityFeed;
  control: Omit<ControlState, 'episode'>;
  /** Calls under way: stop() waits for them. */
  inFlight: Set<Promise<unknown>>;
}

/**
 * The server's request router: the web UI, the control endpoints, and proxied calls. A proxied
 * call is routed (provider, episode, path), its body read, and handed to its mode's pipeline
 * (src/pipeline/); its outcome is counted, shown in the activity feed and logged.
 */
export function createRequestHandler(ctx: RequestHandlerContext): (req: IncomingMessage, res: ServerResponse) => void {
  const { options, logger, providers, runtimes, episodes, guard, ui, activity } = ctx;
  const { stats } = runtimes.main.rt;
  const control: ControlState = {
    ...ctx.control,
    get episode() {
      return episodes.episode;
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const url = req.url ?? '/';
    if (isUiPath(url)) return ui.serve(req, res).catch((err: unknown) => void sendError(res, undefined, toCassetteError(err)));
    if (url.startsWith('/__cassette/')) return serveControl(req, res, url, guard, control);
    let provider: Route | undefined;
    let episode = episodes.episode;
    try {
      guard.proxy(req);
      if (!guard.authorized(req)) throw unauthorized();
      const route = routeRequest(url, providers);
      provider = route.provider;
      const header = req.headers['x-cassette-episode'];
      if (typeof header === 'string') assertEpisodeId(header, 'header x-cassette-episode');
      episode = typeof header === 'string' ? header : (route.pathEpisode ?? episodes.episode);
      const body = await readBody(req, options.file.limits.maxBodyBytes);
      const rt = runtimes.runtimeOf(episode);
      const served = handleProxyCall(rt instanceof Promise ? await rt : rt, {
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

    function finish(outcome: Outcome, status: number, key?: string, error?: CassetteError, miss?: MissDetail): void {
      const ms = performance.now() - startedAt;
      const name = provider?.name ?? 'unknown';
      stats.count(name, outcome, ms / 1000);
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      activity.push({
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
        path,
        mode: options.mode,
        outcome,
        status,
        key,
        ms: Math.round(ms * 10) / 10,
      };
      if (error) logger.warn({ ...fields, code: error.code }, error.message);
      else logger.info(fields, `${outcome} ${req.method} ${path} ${status}`);
    }
  }

  return (req, res) => {
    const p = handle(req, res);
    ctx.inFlight.add(p);
    p.then(
      () => ctx.inFlight.delete(p),
      (err: unknown) => {
        ctx.inFlight.delete(p);
        logger.error({ code: 'internal_error', err: (err as Error).message }, 'request failed');
        if (!res.headersSent) sendError(res, undefined, toCassetteError(err));
        else res.destroy();
      },
    );
  };
}
