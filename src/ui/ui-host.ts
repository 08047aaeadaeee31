import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { CassetteError } from '../errors.js';
import type { Redactor } from '../safety/create-redactor.js';
import type { Store } from '../store/store.js';
import type { ContractConfig } from '../contract/contract-types.js';
import type { RequestGuard } from '../server/request-guard.js';
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
  /** The control API's Host, Origin and auth-token checks (src/server/request-guard.ts). */
  guard: RequestGuard;
  /** The proxy's --auth-token, for the `?token=` cookie a browser needs. */
  authToken: string | undefined;
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
 * The UI follows the control API's rules (the same guard: a Host that names this machine, no
 * cross-origin requests, the auth token), and is read-only. A browser cannot set the token header
 * on a page load, so `?token=` once sets it as an HttpOnly, SameSite=Strict cookie for the UI.
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
      const { handleUiRequest } = await import('./handle-ui-request.js');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new CassetteError('bad_usage', `the UI is read-only: ${req.method} is not allowed`, { httpStatus: 405 });
      }
      o.guard.control(req);
      if (o.authToken && !o.guard.authorized(req)) {
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
        if (!same(cookieOf(req) ?? '', o.authToken)) {
          throw new CassetteError('unauthorized', 'this proxy requires --auth-token: open the UI once as /__cassette/ui?token=<token>', {
            hint: 'Or send the x-cassette-auth header.',
          });
        }
      }
      await handleUiRequest(req, res, await getService());
    },
  };
}

function cookieOf(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE && v !== undefined) return decodeURIComponent(v);
  }
  return undefined;
}

/** Constant-time comparison (of digests, so lengths say nothing either). */
function same(offered: string, token: string): boolean {
  const digest = (v: string): Buffer => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(offered), digest(token));
}
