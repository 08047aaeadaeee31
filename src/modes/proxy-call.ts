import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../providers/registry.js';

/** One proxied HTTP request, routed: what every step of its handling reads. */
export interface ProxyCall {
  req: IncomingMessage;
  res: ServerResponse;
  route: Route;
  episode: string;
  path: string;
  query: string;
  body: Buffer;
  startedAt: number;
}
