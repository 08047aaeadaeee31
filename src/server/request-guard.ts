import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { hostname as machineName, networkInterfaces } from 'node:os';
import { CassetteError } from '../errors.js';

/** Who may talk to the proxy, besides the auth token (docs/security.md). */
export interface RequestGuardOptions {
  /** The address the server is bound to (`--host`). */
  host: string;
  /** Extra names a request's Host may carry (config `allowedHosts`, `CASSETTE_ALLOWED_HOSTS`); `*` allows any. */
  allowedHosts: readonly string[];
  /** Origins a browser page may call providers from (config `allowedOrigins`); `*` allows any. */
  allowedOrigins: readonly string[];
  authToken: string | undefined;
}

export interface RequestGuard {
  /** Throws unless the request may use a control endpoint (`/__cassette/...`). */
  control(req: IncomingMessage): void;
  /** Throws unless the request may be proxied to a provider (or served from the store). */
  proxy(req: IncomingMessage): void;
  /** The auth token check alone, in constant time. True when no token is configured. */
  authorized(req: IncomingMessage): boolean;
}

/**
 * The proxy's defence against web pages (issue 13 item 3). A page on any site can send simple
 * requests (text/plain POSTs) to 127.0.0.1, and a page whose DNS name is rebound to 127.0.0.1
 * can even read the answers. So: the Host must name this machine (a loopback name, the bound
 * address, or a configured name); control requests must not come from another origin and must
 * be JSON when they carry a body; proxied calls from another origin are refused unless that
 * origin is configured. A same-origin request (Origin equal to the proxy's own host, as from its
 * own UI page) is not cross-site and is allowed.
 */
export function createRequestGuard(o: RequestGuardOptions): RequestGuard {
  const names = new Set(o.allowedHosts.map((h) => h.toLowerCase()));
  const anyHost = names.has('*');
  const own = ownNames(o.host);
  const origins = new Set(o.allowedOrigins.map((x) => x.toLowerCase().replace(/\/+$/, '')));
  const anyOrigin = origins.has('*');
  const token = o.authToken === undefined ? undefined : Buffer.from(o.authToken);

  // Host values already allowed, as sent: a client sends the same one on every call, so the
  // parse below runs once per value, not per request. Bounded, since the values come from clients.
  const allowed = new Set<string>();
  const checkHost = (req: IncomingMessage): string => {
    // HTTP/2 names the host in `:authority` (the --tls listener speaks both).
    const host = req.headers.host ?? (req.headers[':authority'] as string | undefined);
    // HTTP/1.1 requires Host (Node answers 400 without one); HTTP/1.0 clients are not browsers.
    if (host === undefined) return '';
    if (allowed.has(host)) return host;
    const name = hostnameOf(host);
    if (anyHost || isLoopbackName(name) || own.has(name) || names.has(name)) {
      if (allowed.size < ALLOWED_HOSTS_KEPT) allowed.add(host);
      return host;
    }
    throw new CassetteError('host_not_allowed', `the proxy answers requests for this machine only, not Host "${clip(host)}"`, {
      hint: `Use http://127.0.0.1:PORT, or add the name to allowedHosts in cassette.config.json (or CASSETTE_ALLOWED_HOSTS=${clip(name)}).`,
    });
  };
  const foreignOrigin = (req: IncomingMessage, host: string): string | undefined => {
    const origin = req.headers.origin;
    if (origin === undefined) return req.headers['sec-fetch-site'] === 'cross-site' ? 'a cross-site page' : undefined;
    const lower = origin.toLowerCase();
    if (host !== '' && (lower === `http://${host.toLowerCase()}` || lower === `https://${host.toLowerCase()}`)) return undefined;
    return origin;
  };

  return {
    authorized(req) {
      if (!token) return true;
      const offered = req.headers['x-cassette-auth'];
      const bearer = req.headers['proxy-authorization'];
      return (
        (typeof offered === 'string' && same(offered, token)) ||
        (typeof bearer === 'string' && bearer.startsWith('Bearer ') && same(bearer.slice(7), token))
      );
    },
    control(req) {
      const host = checkHost(req);
      const foreign = foreignOrigin(req, host);
      if (foreign !== undefined) {
        throw new CassetteError('origin_not_allowed', `control requests from another origin are refused (${clip(foreign)})`, {
          hint: 'The control API is for test code and the proxy’s own UI, not for web pages.',
        });
      }
      const method = req.method ?? 'GET';
      if (method !== 'GET' && method !== 'HEAD' && !isJson(req.headers['content-type'])) {
        throw new CassetteError('bad_usage', `${method} /__cassette/… expects content-type application/json`, {
          httpStatus: 415,
          hint: 'Send the body as JSON with content-type: application/json.',
        });
      }
    },
    proxy(req) {
      const host = checkHost(req);
      const foreign = foreignOrigin(req, host);
      if (foreign === undefined || anyOrigin || origins.has(foreign.toLowerCase())) return;
      throw new CassetteError('origin_not_allowed', `calls from the web origin ${clip(foreign)} are refused`, {
        hint: 'A browser app may use the proxy once its origin is in allowedOrigins in cassette.config.json.',
      });
    },
  };
}

/** How many distinct allowed Host values checkHost remembers. */
const ALLOWED_HOSTS_KEPT = 64;

/** `Host` without its port, lower-cased, IPv6 without brackets. */
function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') === -1 ? undefined : h.indexOf(']'));
  const colon = h.lastIndexOf(':');
  return (colon === -1 ? h : h.slice(0, colon)).replace(/\.$/, '');
}

function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}

/** The bound address; bound to every interface, the machine's name and each interface's address. */
function ownNames(bound: string): Set<string> {
  const names = new Set([hostnameOf(bound.includes(':') && !bound.startsWith('[') ? `[${bound}]` : bound)]);
  if (bound === '0.0.0.0' || bound === '::' || bound === '[::]') {
    names.add(machineName().toLowerCase());
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(a.address.toLowerCase());
  }
  return names;
}

function isJson(contentType: string | undefined): boolean {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || (type !== undefined && /^application\/[\w.+-]+\+json$/.test(type));
}

function same(offered: string, token: Buffer): boolean {
  const x = Buffer.from(offered);
  // Compared at the token's length either way, so the time says nothing about where they differ.
  return timingSafeEqual(x.length === token.length ? x : token, token) && x.length === token.length;
}

function clip(s: string): string {
  return s.length > 100 ? `${s.slice(0, 100)}…` : s;
}
