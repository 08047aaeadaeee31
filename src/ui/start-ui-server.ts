import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CassetteError, toCassetteError } from '../errors.js';
import { sendError } from '../modes/send-error.js';
import type { Redactor } from '../safety/create-redactor.js';
import type { Store } from '../store/store.js';
import type { ContractConfig } from '../contract/contract-types.js';
import { createRequestGuard } from '../server/request-guard.js';
import { PRODUCT_VERSION } from '../version.js';
import { ActivityFeed } from './activity-feed.js';
import { UI_PATH } from './render-page.js';
import { createUiHost, isUiPath } from './ui-host.js';
import type { UiHost } from './ui-host.js';

export interface UiServer {
  /** `http://127.0.0.1:PORT/__cassette/ui` */
  readonly url: string;
  readonly port: number;
  readonly ui: UiHost;
  close(): Promise<void>;
}

/**
 * `cassette ui`: the UI alone over a store, on 127.0.0.1, read-only (only GET and HEAD reach it,
 * and it holds no proxy). `/` redirects to the UI; everything else is a 404.
 */
export async function startUiServer(o: {
  store: Store;
  redactor: Redactor;
  port: number;
  contractsDir: string;
  contractConfig?: ContractConfig;
}): Promise<UiServer> {
  const host = '127.0.0.1';
  const ui = createUiHost({
    store: o.store,
    activity: new ActivityFeed(),
    redactor: o.redactor,
    contractsDir: o.contractsDir,
    ...(o.contractConfig ? { contractConfig: o.contractConfig } : {}),
    // Read-only on 127.0.0.1: the control API's Host and Origin rules, no token.
    guard: createRequestGuard({ host, allowedHosts: [], allowedOrigins: [], authToken: undefined }),
    authToken: undefined,
    info: { mode: 'store', store: o.store.location, live: false, version: PRODUCT_VERSION },
  });
  // `cassette ui` exists to serve these pages: their code (about 80 modules) and the bundle load
  // while the server starts listening and the browser opens, not on the first request.
  void ui.service().catch(() => undefined);
  void import('./handle-ui-request.js').then(() => import('./ui-assets.js').then((m) => m.loadUiAssets())).catch(() => undefined);
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const answer = isUiPath(url)
      ? ui.serve(req, res)
      : url === '/'
        ? Promise.resolve(void res.writeHead(302, { location: UI_PATH }).end())
        : Promise.reject(new CassetteError('unknown_control_endpoint', `nothing at ${url.slice(0, 200)}: the UI is at ${UI_PATH}`));
    answer.catch((err: unknown) => {
      if (!res.headersSent) sendError(res, undefined, toCassetteError(err));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new CassetteError('cannot_start', `cannot listen on ${host}:${o.port}: ${err.code ?? err.message}`, { cause: err })),
    );
    server.listen(o.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}${UI_PATH}`,
    port,
    ui,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
