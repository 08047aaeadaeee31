import type { IncomingMessage, ServerResponse } from 'node:http';
import { CassetteError } from '../errors.js';
import type { ProxyStats } from '../modes/proxy-stats.js';
import { PRODUCT_VERSION } from '../version.js';
import { renderMetrics } from './render-metrics.js';
import { assertEpisodeId } from './route-request.js';

export interface ControlState {
  mode: string;
  store: string;
  episode: string;
  stats: ProxyStats;
  /** Switches the current episode (and its chaos settings); resets what was served of it. */
  setEpisode(id: string, chaos: { rate: number; seed?: number; faults?: string } | null | undefined): void;
  /**
   * The control API's switch, with the additive fields of `POST /__cassette/episode`: the episode's
   * own mode and a fresh take. Answers the episode's effective mode and how many replayable
   * recordings it has (null when no mode in use replays).
   */
  switchEpisode(
    id: string,
    chaos: { rate: number; seed?: number; faults?: string } | null | undefined,
    settings: EpisodeSettings,
  ): Promise<{ mode: string; recordings: number | null }>;
  summary(): unknown;
  /** Sizes of the per-episode and per-miss structures, each bounded (issue 13 item 9). */
  memory?(): Record<string, number>;
}

/** `"mode"`: a mode for this episode (`null`: back to the server's); `"freshTake"`: live records a new take now. */
export interface EpisodeSettings {
  mode?: string | null;
  freshTake?: boolean;
}

/** `/__cassette/health | stats | episode | metrics`. Control requests are not counted as traffic. */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  name: string,
  state: ControlState,
  body: () => Promise<Buffer>,
): Promise<void> {
  switch (`${req.method} ${name}`) {
    case 'GET health':
    case 'HEAD health':
      return json(res, 200, { ok: true, mode: state.mode, version: PRODUCT_VERSION });
    case 'GET stats':
      return json(res, 200, state.memory ? { ...(state.summary() as object), memory: state.memory() } : state.summary());
    case 'GET episode':
      return json(res, 200, { ok: true, id: state.episode });
    case 'POST episode':
    case 'PUT episode': {
      const raw = await body();
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw.toString('utf8') || '{}');
      } catch {
        throw new CassetteError('bad_usage', 'POST /__cassette/episode expects a JSON body {"id": "..."}', { httpStatus: 400 });
      }
      const id = (parsed as { id?: unknown }).id;
      if (typeof id !== 'string')
        throw new CassetteError('bad_usage', 'POST /__cassette/episode expects {"id": "<episode id>"}', { httpStatus: 400 });
      assertEpisodeId(id, 'POST /__cassette/episode');
      const p = parsed as { chaos?: { rate: number; seed?: number; faults?: string } | null; mode?: unknown; freshTake?: unknown };
      if (p.mode === undefined && p.freshTake === undefined) {
        state.setEpisode(id, p.chaos);
        return json(res, 200, { ok: true, id });
      }
      if (p.mode !== undefined && p.mode !== null && typeof p.mode !== 'string')
        throw new CassetteError('bad_usage', 'POST /__cassette/episode: "mode" must be a mode name or null', { httpStatus: 400 });
      const settings: EpisodeSettings = { freshTake: p.freshTake === true };
      if (p.mode !== undefined) settings.mode = p.mode;
      const result = await state.switchEpisode(id, p.chaos, settings);
      return json(res, 200, { ok: true, id, ...result });
    }
    case 'GET metrics':
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(renderMetrics(state.stats));
      return;
    default:
      throw new CassetteError('unknown_control_endpoint', `no control endpoint ${req.method} /__cassette/${name}`, {
        hint: 'Control endpoints: GET health, GET stats, GET|POST episode, GET metrics.',
      });
  }
}

function json(res: ServerResponse, status: number, value: unknown): void {
  const bytes = Buffer.from(JSON.stringify(value));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(bytes.length) });
  res.end(bytes);
}
