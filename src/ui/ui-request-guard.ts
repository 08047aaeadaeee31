import type { IncomingMessage } from 'node:http';
import { CassetteError } from '../errors.js';

/**
 * The UI's rules for who may read it, on top of the control API's auth token: the Host must name
 * this machine (a page on another site that rebinds its DNS name to 127.0.0.1 is refused), and a
 * request a browser marks as coming from another origin is refused (no cross-site reads or pushes).
 */
export function assertUiRequestAllowed(req: IncomingMessage, boundHost: string): void {
  const host = req.headers.host ?? '';
  const hostname = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : (host.split(':')[0] ?? '');
  if (!isLoopbackName(hostname) && hostname !== boundHost) {
    throw new CassetteError('ui_forbidden', `the UI answers only requests for this machine, not Host "${host.slice(0, 100)}"`, {
      httpStatus: 403,
      hint: 'Open the URL the proxy printed (http://127.0.0.1:PORT/__cassette/ui).',
    });
  }
  const origin = req.headers.origin;
  const site = req.headers['sec-fetch-site'];
  if ((origin !== undefined && origin !== `http://${host}` && origin !== `https://${host}`) || site === 'cross-site') {
    throw new CassetteError('ui_forbidden', `the UI refuses requests from another origin (${String(origin ?? site).slice(0, 100)})`, {
      httpStatus: 403,
    });
  }
}

function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}
