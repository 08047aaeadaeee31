import type { IncomingMessage, ServerResponse } from 'node:http';
import { CassetteError } from '../errors.js';
import type { CallRecord } from './activity-feed.js';
import { renderServedPage, UI_PATH } from './render-page.js';
import { MAX_PAGE } from './shared/query-episodes.js';
import { EPISODE_SORTS } from './shared/ui-types.js';
import type { EpisodeQuery, EpisodeSort } from './shared/ui-types.js';
import { loadUiAssets } from './ui-assets.js';
import type { UiService } from './ui-service.js';

// The page loads only from the proxy itself; uPlot sets inline style attributes, hence 'unsafe-inline' for styles.
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * `GET /__cassette/ui[/…]`: the page, its bundle, and the JSON API it reads (`api/…`), plus
 * `api/events`, the live activity as server-sent events. Read-only: every other method is refused.
 */
export async function handleUiRequest(req: IncomingMessage, res: ServerResponse, ui: UiService): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://ui.invalid');
  const rest = url.pathname.slice(UI_PATH.length).replace(/^\/+/, '');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new CassetteError('bad_usage', `the UI is read-only: ${req.method} is not allowed`, { httpStatus: 405 });
  }
  const common = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };
  if (rest === '' || rest === 'index.html') {
    return send(res, 200, { ...common, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP }, renderServedPage());
  }
  if (rest === 'app.js') return send(res, 200, { ...common, 'content-type': 'text/javascript; charset=utf-8' }, loadUiAssets().js);
  if (rest === 'app.css') return send(res, 200, { ...common, 'content-type': 'text/css; charset=utf-8' }, loadUiAssets().css);
  if (rest === 'api/events') return streamEvents(req, res, ui, Number(url.searchParams.get('after') ?? req.headers['last-event-id'] ?? 0));
  const p = rest.split('/').map(decodeURIComponent);
  const q = url.searchParams;
  let value: unknown;
  if (p[0] !== 'api') value = undefined;
  else if (p.length === 2 && p[1] === 'info') value = ui.info;
  else if (p.length === 2 && p[1] === 'episodes') value = await ui.episodes(episodeQuery(q));
  else if (p.length === 3 && p[1] === 'episodes') value = await ui.episode(p[2] as string, optionalInt(q.get('take')));
  else if (p.length === 4 && p[1] === 'episodes' && p[3] === 'costs') value = await ui.costs(p[2] as string);
  else if (p.length === 7 && p[1] === 'episodes' && p[3] === 'takes' && p[5] === 'steps') {
    value = await ui.interaction(p[2] as string, int(p[4], 'take'), int(p[6], 'step'));
  } else if (p.length === 2 && p[1] === 'diff') value = await ui.diff(side(q.get('a')), side(q.get('b') ?? q.get('a')));
  else if (p.length === 2 && p[1] === 'drift') value = await ui.drift(q.has('fresh'));
  else if (p.length === 2 && p[1] === 'activity') {
    value = { events: await Promise.all(ui.activity.recent(optionalInt(q.get('after')) ?? 0).map((c) => ui.activityEvent(c))) };
  }
  if (value === undefined) {
    throw new CassetteError('episode_not_found', `nothing at ${UI_PATH}/${rest}`, {
      hint: 'The API answers api/episodes, api/episodes/EP, api/episodes/EP/takes/N/steps/P, api/diff?a=EP:T&b=EP:T, api/drift, api/events.',
    });
  }
  return send(res, 200, { ...common, 'content-type': 'application/json' }, JSON.stringify(value));
}

function streamEvents(req: IncomingMessage, res: ServerResponse, ui: UiService, after: number): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  // Misses are explained asynchronously (the nearest recording is read): a chain keeps the order.
  let chain = Promise.resolve();
  const write = (c: CallRecord): void => {
    chain = chain
      .then(() => ui.activityEvent(c))
      .then((e) => {
        if (!res.destroyed) res.write(`id: ${e.seq}\nevent: call\ndata: ${JSON.stringify(e)}\n\n`);
      })
      .catch(() => undefined);
  };
  res.write(': llm-cassette activity\n\n');
  for (const c of ui.activity.recent(Number.isFinite(after) ? after : 0)) write(c);
  const unsubscribe = ui.activity.subscribe(write);
  // A comment now and then keeps idle connections (and proxies in between) from timing out.
  const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
  ping.unref();
  const stop = (): void => {
    clearInterval(ping);
    unsubscribe();
  };
  req.once('close', stop);
  res.once('close', stop);
}

function episodeQuery(q: URLSearchParams): EpisodeQuery {
  const sort = q.get('sort');
  return {
    ...(q.get('q') ? { q: q.get('q') as string } : {}),
    ...(q.get('model') ? { model: q.get('model') as string } : {}),
    ...(q.get('provider') ? { provider: q.get('provider') as string } : {}),
    ...(sort && (EPISODE_SORTS as readonly string[]).includes(sort) ? { sort: sort as EpisodeSort } : {}),
    ...(q.get('cursor') ? { cursor: q.get('cursor') as string } : {}),
    ...(q.get('offset') ? { offset: int(q.get('offset') as string, 'offset') } : {}),
    ...(q.get('limit') ? { limit: Math.min(MAX_PAGE, int(q.get('limit') as string, 'limit')) } : {}),
  };
}

/** `EP` or `EP:TAKE`. */
function side(value: string | null): { episode: string; take?: number } {
  if (!value) throw new CassetteError('bad_usage', 'api/diff needs a=EPISODE[:TAKE] and b=EPISODE[:TAKE]');
  const m = /^(.*?)(?::(\d+))?$/.exec(value);
  return { episode: m?.[1] ?? value, ...(m?.[2] ? { take: Number(m[2]) } : {}) };
}

function int(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new CassetteError('bad_usage', `${name} must be a whole number, not "${String(value).slice(0, 40)}"`);
  return n;
}

function optionalInt(value: string | null): number | undefined {
  return value === null || value === '' ? undefined : int(value, 'number');
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  const bytes = Buffer.from(body);
  res.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
  res.end(res.req.method === 'HEAD' ? undefined : bytes);
}
