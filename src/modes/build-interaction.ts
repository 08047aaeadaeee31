import type { Price } from '../providers/prices.js';
import { costOf } from '../providers/prices.js';
import type { Route } from '../providers/registry.js';
import { volatileResponseHeaders } from '../providers/registry.js';
import { KEY_VERSION } from '../match/request-key.js';
import { assembleEvents, assembleJson } from '../providers/assemblers.js';
import { normalizeResponseHeaders } from '../upstream/normalize-headers.js';
import type { ForwardResult } from '../upstream/forward-request.js';
import type { Assembled, Interaction, RecordedRequest } from '../types.js';
import { rememberJson } from '../util/prepared-json.js';
import { PRODUCT_VERSION } from '../version.js';

export interface InteractionParts {
  episode: string;
  take: number;
  position: number;
  occurrence: number;
  route: Route;
  key: string;
  /** Fingerprint of the rules that computed `key` (RequestMatcher.rulesFingerprint). */
  keyRules: string | undefined;
  request: RecordedRequest;
  forwarded: ForwardResult;
  prices: Readonly<Record<string, Price>>;
}

/** Assembles what gets stored for one forwarded call: normalized response, assembled answer, usage, cost. */
export function buildInteraction(p: InteractionParts): Interaction {
  const { forwarded: f } = p;
  const { provider } = p.route;
  const kind = provider.assemblerKind(p.request.path);
  // A large answer comes assembled already (by the worker that finished it, for this kind).
  const assembled =
    f.assembled?.kind === kind
      ? f.assembled.json && f.body?.kind === 'json'
        ? assembledAgain(kind, f.body.json, f.assembled.json)
        : f.assembled.value
      : f.stream
        ? assembleEvents(kind, f.stream.format, f.stream.events)
        : f.body?.kind === 'json'
          ? assembleJson(kind, f.body.json)
          : undefined;
  const body = p.request.body.kind === 'json' ? p.request.body.json : undefined;
  const model = assembled?.model ?? provider.model(p.request.path, body);
  const usage = assembled?.usage;
  const costUsd = costOf(model, usage, provider.inputIncludesCachedTokens, p.prices);
  const headers = normalizeResponseHeaders(f.headers, volatileResponseHeaders());
  // A body kept still encoded keeps its coding: replay sends the two together.
  if (f.encoding !== undefined) headers['content-encoding'] = f.encoding;
  return {
    episode: p.episode,
    take: p.take,
    position: p.position,
    provider: p.route.name,
    family: provider.family,
    key: p.key,
    keyVersion: KEY_VERSION,
    ...(p.keyRules !== undefined ? { keyRules: p.keyRules } : {}),
    occurrence: p.occurrence,
    request: p.request,
    response: {
      status: f.status,
      headers,
      ...(f.stream ? { stream: f.stream } : { body: f.body ?? { kind: 'empty' } }),
    },
    complete: f.complete && f.unrecordable === undefined,
    ...(f.unrecordable !== undefined ? { unrecordable: f.unrecordable } : {}),
    ...(f.encoding !== undefined
      ? { opaque: `stored still encoded (content-encoding: ${f.encoding}), not decoded, redacted or assembled` }
      : {}),
    timings: f.timings,
    ...(usage ? { usage } : {}),
    ...(costUsd !== undefined ? { costUsd } : {}),
    ...(assembled ? { assembled } : {}),
    recordedAt: new Date().toISOString(),
    productVersion: PRODUCT_VERSION,
  };
}

/** A large body's assembly, made again here from the body the worker sent, with the JSON it wrote for it. */
function assembledAgain(kind: string, json: unknown, written: Uint8Array): Assembled | undefined {
  const assembled = assembleJson(kind, json);
  return assembled && rememberJson(assembled, written);
}
