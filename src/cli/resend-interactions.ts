import type { CassetteOptions } from '../config/load-config.js';
import { CassetteError } from '../errors.js';
import { createLogger } from '../log.js';
import { decodeBody } from '../match/body-codec.js';
import { rewriteJsonText } from '../match/rewrite-json-strings.js';
import { createProviderRegistry } from '../providers/registry.js';
import type { Route } from '../providers/registry.js';
import { startCassetteServer } from '../server/create-cassette-server.js';
import type { Interaction } from '../types.js';
import { resendApiKey } from '../config/provider-keys.js';

export interface ResendResult {
  /** HTTP status per re-sent request, in order. */
  statuses: number[];
}

/**
 * Re-sends recorded requests, in order, through a live proxy that records the answers as episode
 * `into`: what `replay --live` and `contract check --live` do. Keys come from the environment
 * (CASSETTE_<NAME>_API_KEY, else the SDK's own <NAME>_API_KEY or the provider's other key variables).
 */
export async function resendInteractions(
  options: CassetteOptions,
  recorded: readonly Interaction[],
  into: string,
  model?: string,
): Promise<ResendResult> {
  const providers = createProviderRegistry(options.file.providers, options.upstreams);
  const server = await startCassetteServer(
    { ...options, mode: 'live', port: 0, episode: into },
    { logger: createLogger(options.logLevel) },
  );
  const statuses: number[] = [];
  try {
    for (const i of recorded) statuses.push(await resend(server.url, into, i, providers.get(i.provider), model));
  } finally {
    await server.stop();
  }
  return { statuses };
}

async function resend(url: string, into: string, i: Interaction, provider: Route | undefined, model: string | undefined): Promise<number> {
  if (!provider)
    throw new CassetteError(
      'bad_config',
      `step ${i.position} of episode "${i.episode}" names provider "${i.provider}", which is not configured`,
    );
  let { path } = i.request;
  let body = decodeBody(i.request.body);
  if (model) {
    const json = i.request.body.kind === 'json' ? i.request.body.json : undefined;
    const rewritten = provider.provider.withModel(path, json, model);
    path = rewritten.path;
    // The new model written into the bytes as sent when only strings changed; else compact JSON.
    if (json !== undefined) body = Buffer.from(rewriteJsonText(body.toString('utf8'), rewritten.body) ?? JSON.stringify(rewritten.body));
  }
  const headers: Record<string, string> = { ...i.request.headers };
  // The body goes as it was sent (decodeBody: `raw` when stored), with the type it was sent with.
  const contentType = i.request.contentType ?? (i.request.body.kind === 'json' ? 'application/json' : undefined);
  if (contentType !== undefined) headers['content-type'] = contentType;
  const key = apiKey(provider);
  if (key) {
    const [name, value] = provider.provider.apiKeyHeader(key);
    headers[name] = value;
  }
  const query = i.request.query.length ? `?${new URLSearchParams(i.request.query).toString()}` : '';
  const res = await fetch(`${url}/episodes/${into}/${provider.name}${path}${query}`, {
    method: i.request.method,
    headers,
    ...(body.length > 0 && i.request.method !== 'GET' && i.request.method !== 'HEAD' ? { body } : {}),
  });
  await res.arrayBuffer();
  return res.status;
}

function apiKey(provider: Route): string | undefined {
  return resendApiKey(provider.name, provider.provider.apiKeyEnv);
}

/**
 * Checked before anything is sent: the providers of `recorded` with no key in the environment, each
 * with the variables that would give it one (`OPENAI_API_KEY`, `CASSETTE_OPENAI_API_KEY`, ...).
 */
export function missingKeys(options: CassetteOptions, recorded: readonly Interaction[]): { provider: string; variables: string[] }[] {
  const providers = createProviderRegistry(options.file.providers, options.upstreams);
  const missing: { provider: string; variables: string[] }[] = [];
  for (const name of new Set(recorded.map((i) => i.provider))) {
    const route = providers.get(name);
    if (!route || apiKey(route)) continue;
    const upper = route.name.toUpperCase().replace(/-/g, '_');
    missing.push({ provider: name, variables: [`${upper}_API_KEY`, ...(route.provider.apiKeyEnv ?? []), `CASSETTE_${upper}_API_KEY`] });
  }
  return missing;
}

/** `cannot_start` (exit 3) before anything is sent when a provider of `recorded` has no API key, naming the variables. */
export function assertKeys(options: CassetteOptions, recorded: readonly Interaction[]): void {
  const missing = missingKeys(options, recorded);
  if (missing.length === 0) return;
  throw new CassetteError('cannot_start', `no API key for ${missing.map((m) => m.provider).join(', ')}: nothing was sent`, {
    hint: missing.map((m) => `set ${m.variables.join(' or ')}`).join('; '),
    details: { missing },
  });
}

/**
 * Why a re-sent request's answer says nothing about the model (so it is "not checked", never
 * "changed" nor "same"): the key was refused, the budget spent, the provider unreachable. A status
 * the recording had too is an answer like any other.
 */
export function notCheckedReason(status: number, recordedStatus: number): string | undefined {
  if (status === recordedStatus) return undefined;
  if (status === 401 || status === 403) return `the provider refused the API key (HTTP ${status})`;
  if (status === 402) return 'the budget (--max-cost / --max-requests) was spent (HTTP 402)';
  if (status === 502 || status === 504) return `the provider could not be reached (HTTP ${status})`;
  return undefined;
}
