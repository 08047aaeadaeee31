import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { CassetteError } from '../errors.js';
import type { Redactor } from '../safety/create-redactor.js';
import type { Store } from '../store/store.js';
import type { ContractConfig } from '../contract/contract-types.js';
import type { ActivityFeed } from './activity-feed.js';
import type { UiService } from './ui-service.js';

const UI_PREFIX = '/__cassette/ui';
const COOKIE = 'cassette_ui';

export interface UiHostOptions {
  store: Store | undefined | (() => Store | undefined);
  activity: ActivityFeed;
  redactor: Redactor;
  contractsDir: string;
  contractConfig?: ContractConfig;
  /** The proxy's --auth-token: the UI asks for it like the control API does. */
  authToken: string | undefined;
  /** The address the server is bound to (a Host naming it is this machine too). */
  host: string;
  info: { mode: string; store: string; live: boolean; version: string };
}

/** The UI on a server: whether a URL is the UI's, and serving it. The UI's code loads on first use. */
export interface UiHost {
  serve(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** The service behind the pages (built on first call): reports read it. */
  service(): Promise<UiService>;
}

/** True for `/__cassette/ui` and everything under it. */
export function isUiPath(url: string): boolean {
  return url.startsWith(UI_PREFIX) && (url.length === UI_PREFIX.length || url[UI_PREFIX.length] === '/' || url[UI_PREFIX.length] === '?');
}

/**
 * The UI follows the control API's rules: the same auth token (as the `x-cassette-auth` header,
 * or, for a browser that cannot set headers, once as `?token=` which becomes an HttpOnly cookie),
 * a Host that names this machine, and no cross-origin requests.
 */
export function createUiHost(o: UiHostOptions): UiHost {
  let service: Promise<UiService> | undefined;
  const getService = (): Promise<UiService> =>
    (service ??= import('./ui-service.js').then(
      (m) => new m.UiService({ ...o, ...(o.contractConfig ? { contractConfig: o.contractConfig } : {}) }),
    ));
  return {
    service: getService,
    async serve(req, res) {
      const [{ assertUiRequestAllowed }, { handleUiRequest }] = await Promise.all([
        import('./ui-request-guard.js'),
        import('./handle-ui-request.js'),
      ]);
      assertUiRequestAllowed(req, o.host);
      if (o.authToken) {
        const url = new URL(req.url ?? '/', 'http://ui.invalid');
        const offered = url.searchParams.get('token');
        if (offered !== null && same(offered, o.authToken)) {
          res.writeHead(303, {
            location: UI_PREFIX,
            'set-cookie': `${COOKIE}=${encodeURIComponent(o.authToken)}; Path=${UI_PREFIX}; HttpOnly; SameSite=Strict`,
            'cache-control': 'no-store',
          });
          res.end();
          return;
        }
        if (!tokenOf(req, o.authToken)) {
          throw new CassetteError('unauthorized', 'this proxy requires --auth-token: open the UI once as /__cassette/ui?token=<token>', {
            hint: 'Or send the x-cassette-auth header.',
          });
        }
      }
      await handleUiRequest(req, res, await getService());
    },
  };
}

function tokenOf(req: IncomingMessage, token: string): boolean {
  if (req.headers['x-cassette-auth'] === token || req.headers['proxy-authorization'] === `Bearer ${token}`) return true;
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE && v !== undefined && same(decodeURIComponent(v), token)) return true;
  }
  return false;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
