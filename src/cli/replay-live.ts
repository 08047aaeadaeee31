import { compareSteps } from '../compare/compare-steps.js';
import type { StepComparison } from '../compare/compare-steps.js';
import { loadOptions } from '../config/load-config.js';
import type { CliFlags } from '../config/load-config.js';
import { CassetteError } from '../errors.js';
import { createLogger } from '../log.js';
import { decodeBody } from '../match/body-codec.js';
import { createProviderRegistry } from '../providers/provider-registry.js';
import type { Provider } from '../providers/provider-registry.js';
import { startCassetteServer } from '../server/create-cassette-server.js';
import { openStore } from '../store/open-store.js';
import type { Interaction } from '../types.js';
import { printJson, printTalk } from './output.js';

type LiveFlags = CliFlags & { json?: boolean; model?: string; into?: string; provider?: string; failOn?: string; minSimilarity?: string };

/**
 * Re-sends the requests of an episode's newest take, in order, through a live proxy that records
 * them as their own episode, then compares each answer with the recorded one. Later steps of an
 * agent loop depended on earlier answers, so this measures per-step drift, not a re-run.
 */
export async function replayLive(episodes: string[], flags: LiveFlags): Promise<number> {
  if (episodes.length !== 1) throw new CassetteError('bad_usage', 'replay --live takes exactly one episode');
  const episode = episodes[0] as string;
  const into = flags.into ?? `${episode}.live`;
  const minSimilarity = flags.minSimilarity === undefined ? 0.5 : Number(flags.minSimilarity);
  if (!(minSimilarity >= 0 && minSimilarity <= 1)) throw new CassetteError('bad_usage', `--min-similarity expects a number from 0 to 1, got "${flags.minSimilarity}"`);
  const failOn = flags.failOn ?? 'changed';
  if (failOn !== 'changed' && failOn !== 'never') throw new CassetteError('bad_usage', `--fail-on expects changed or never, got "${failOn}"`);

  const options = loadOptions({ ...flags, mode: 'live', port: '0', episode: into });
  const providers = createProviderRegistry(options.file.providers, options.upstreams);
  const recorded = readTake(options.store, episode).filter((i) => !flags.provider || i.provider === flags.provider);
  if (recorded.length === 0) throw new CassetteError('episode_not_found', `episode "${episode}" has no recordings${flags.provider ? ` of provider ${flags.provider}` : ''} in ${options.store}`);

  const server = await startCassetteServer(options, { logger: createLogger(options.logLevel) });
  let unreachable = 0;
  try {
    for (const i of recorded) {
      const status = await resend(server.url, into, i, providers.get(i.provider), flags.model);
      if (status === 502 || status === 504) unreachable++;
    }
  } finally {
    await server.stop();
  }
  const fresh = readTake(options.store, into);
  const steps = recorded.map((r, n) => compareSteps(n + 1, r, fresh[n], minSimilarity));
  const changed = steps.filter((s) => s.changed).length;
  if (flags.json) printJson({ ok: changed === 0 && unreachable === 0, episode, into, steps });
  printTalk(formatSteps(episode, into, steps));
  if (unreachable > 0) return 3;
  return changed > 0 && failOn === 'changed' ? 1 : 0;
}

function readTake(store: string, episode: string): Interaction[] {
  const s = openStore(store, { readonly: true });
  try {
    return s.loadEpisode(episode)?.interactions ?? [];
  } finally {
    s.close();
  }
}

async function resend(url: string, into: string, i: Interaction, provider: Provider | undefined, model: string | undefined): Promise<number> {
  if (!provider) throw new CassetteError('bad_config', `episode step ${i.position} names provider "${i.provider}", which is not configured`);
  let { path } = i.request;
  let bodyBytes = decodeBody(i.request.body);
  if (model) {
    const json = i.request.body.kind === 'json' ? i.request.body.json : undefined;
    const rewritten = provider.family.withModel(path, json, model);
    path = rewritten.path;
    if (json !== undefined) bodyBytes = Buffer.from(JSON.stringify(rewritten.body));
  }
  const headers: Record<string, string> = { ...i.request.headers };
  if (i.request.body.kind === 'json') headers['content-type'] = 'application/json';
  const key = apiKey(provider);
  if (key) {
    const [name, value] = provider.family.apiKeyHeader(key);
    headers[name] = value;
  }
  const query = i.request.query.length ? `?${new URLSearchParams(i.request.query).toString()}` : '';
  const res = await fetch(`${url}/episodes/${into}/${provider.name}${path}${query}`, {
    method: i.request.method,
    headers,
    ...(bodyBytes.length > 0 && i.request.method !== 'GET' ? { body: bodyBytes } : {}),
  });
  await res.arrayBuffer();
  return res.status;
}

/** The provider's key from the environment: CASSETTE_<NAME>_API_KEY, else the SDK's own variable. */
function apiKey(provider: Provider): string | undefined {
  const name = provider.name.toUpperCase().replace(/-/g, '_');
  const env = process.env;
  return env[`CASSETTE_${name}_API_KEY`] ?? env[`${name}_API_KEY`] ?? (provider.family.name === 'gemini' ? (env.GEMINI_API_KEY ?? env.GOOGLE_API_KEY) : undefined);
}

function formatSteps(episode: string, into: string, steps: StepComparison[]): string {
  const lines = [`cassette replay --live: episode "${episode}" re-run as "${into}", ${steps.filter((s) => s.changed).length} of ${steps.length} steps changed`];
  for (const s of steps) {
    const tok = s.tokens.delta === 0 ? '' : `, tokens ${s.tokens.delta > 0 ? '+' : ''}${s.tokens.delta}`;
    lines.push(
      `  step ${s.step} ${s.changed ? 'CHANGED' : 'same   '} ${s.provider} ${s.method} ${s.path}: similarity ${s.similarity}${tok}, latency ${s.latencyMs.delta > 0 ? '+' : ''}${Math.round(s.latencyMs.delta)} ms`,
    );
    for (const r of s.reasons) lines.push(`      ${r}`);
  }
  return lines.join('\n');
}
