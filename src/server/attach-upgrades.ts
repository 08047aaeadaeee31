import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { ProxyRuntime } from '../modes/proxy-runtime.js';
import type { Route } from '../providers/registry.js';
import type { EpisodeControl } from './episode-control.js';
import type { RequestGuard } from './request-guard.js';
import { assertEpisodeId, routeRequest } from './route-request.js';
import { unauthorized } from './unauthorized.js';

export interface UpgradeWiring {
  rt: ProxyRuntime;
  providers: ReadonlyMap<string, Route>;
  episodes: EpisodeControl;
  guard: RequestGuard;
  /** Calls under way: stop() waits for them (a session until it is stored). */
  inFlight: Set<Promise<unknown>>;
}

/**
 * WebSocket sessions (docs/websocket.md): upgrades are routed like HTTP requests (guard, provider,
 * episode by header, path prefix or current) and served by src/modes/websocket/. `ws` is loaded on
 * the first upgrade, not at start. Answers a stop function that ends the open sessions.
 */
export function attachUpgrades(server: Server, w: UpgradeWiring): () => Promise<void> {
  const sockets = new Set<WebSocket>();
  let upgrades: Promise<(req: IncomingMessage, socket: Duplex, head: Buffer) => void> | undefined;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    upgrades ??= import('../modes/websocket/handle-upgrade.js').then((m) =>
      m.createUpgradeHandler({
        rt: w.rt,
        sockets,
        track(work) {
          w.inFlight.add(work);
          void work.finally(() => w.inFlight.delete(work));
        },
        route(r) {
          w.guard.proxy(r);
          if (!w.guard.authorized(r)) throw unauthorized();
          const route = routeRequest(r.url ?? '/', w.providers);
          const header = r.headers['x-cassette-episode'];
          if (typeof header === 'string') assertEpisodeId(header, 'header x-cassette-episode');
          const episode = typeof header === 'string' ? header : (route.pathEpisode ?? w.episodes.episode);
          return { provider: route.provider, episode, path: route.path, query: route.query };
        },
      }),
    );
    upgrades.then(
      (handle) => handle(req, socket, head),
      () => socket.destroy(),
    );
  });
  return async () => {
    if (sockets.size > 0) await (await import('../modes/websocket/handle-upgrade.js')).closeSessions(sockets);
  };
}
