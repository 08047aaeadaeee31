import { suggestEpisodeId } from './episode-id.js';
import { CassetteError } from '../errors.js';
import type { Route } from '../providers/registry.js';

export const EPISODE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Where a proxied request goes: provider, episode chosen by path (if any), upstream path and query. */
export interface RoutedRequest {
  provider: Route;
  /** Episode named by an `/episodes/<id>/` prefix, if the URL has one. */
  pathEpisode: string | undefined;
  /** Path below the provider prefix, always starting with `/`. */
  path: string;
  /** Raw query string without `?` (may be empty). */
  query: string;
}

/** A `.` or `..` segment, also percent-encoded. */
const DOT_SEGMENT = /\/(?:\.|%2e){1,2}(?=\/|$)/i;

/** Parses `/[episodes/<id>/]<provider>/<path>?<query>`; throws 404 / 400 CassetteErrors. On every request: no split, no arrays. */
export function routeRequest(url: string, providers: ReadonlyMap<string, Route>): RoutedRequest {
  const q = url.indexOf('?');
  const rawPath = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q + 1);
  // rawPath[0] is '/'; a segment runs to the next '/' or the end.
  let start = 1;
  let pathEpisode: string | undefined;
  if (segmentAt(rawPath, 1) === 'episodes') {
    const segment = segmentAt(rawPath, 10);
    const id = safeDecode(segment);
    assertEpisodeId(id, 'path prefix /episodes/<id>/');
    pathEpisode = id;
    start = 10 + segment.length + 1;
  }
  const name = segmentAt(rawPath, start);
  const provider = providers.get(name);
  if (!provider) {
    const known = [...providers.keys()];
    throw new CassetteError(
      'unknown_provider',
      `no provider "${name}" is configured for path ${rawPath}; known providers: ${known.join(', ')}`,
      {
        hint: `Send requests to ${known.map((p) => `/${p}/...`).join(', ')}, or add the provider to cassette.config.json "providers".`,
        details: { knownProviders: known },
      },
    );
  }
  const rest = rawPath.slice(start + name.length);
  // A dot segment would be resolved by the URL parser and could climb out of the provider's
  // upstream path prefix (openrouter.ai/api): refuse it rather than rewrite it.
  if (DOT_SEGMENT.test(rest)) {
    throw new CassetteError('bad_usage', `the path ${rawPath} has a "." or ".." segment`, {
      httpStatus: 400,
      hint: 'Send the provider path as it is, without dot segments.',
    });
  }
  const path = rest.length > 1 ? rest : '/';
  // Only a route at the upstream's root: one with a path prefix (`…/openai/v1`) names its version.
  const versioned = provider.upstream.pathname === '/' ? provider.provider.versionedPath?.(path) : undefined;
  return { provider, pathEpisode, path: versioned ?? path, query };
}

/** The path segment that starts at `from` (empty past the end). */
function segmentAt(path: string, from: number): string {
  if (from >= path.length) return '';
  const end = path.indexOf('/', from);
  return path.slice(from, end === -1 ? undefined : end);
}

/** Throws bad_episode_id unless `id` is a valid episode id. */
export function assertEpisodeId(id: string, where: string): void {
  if (!EPISODE_ID.test(id)) {
    throw new CassetteError('bad_episode_id', `invalid episode id ${JSON.stringify(id.slice(0, 200))} (from ${where})`, {
      hint: `An episode id is 1-128 characters of letters, digits, ".", "_" and "-", starting with a letter or digit: try "${suggestEpisodeId(id)}".`,
      details: { suggestion: suggestEpisodeId(id) },
    });
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
