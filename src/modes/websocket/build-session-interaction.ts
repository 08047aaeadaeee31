import { KEY_VERSION } from '../../match/request-key.js';
import type { Route } from '../../providers/registry.js';
import { sessionRulesOf } from '../../providers/registry.js';
import type { Price } from '../../providers/prices.js';
import { costOf } from '../../providers/prices.js';
import type { Interaction, RecordedRequest, StoredSession, Usage } from '../../types.js';
import { PRODUCT_VERSION } from '../../version.js';

export interface SessionParts {
  episode: string;
  take: number;
  position: number;
  occurrence: number;
  provider: Route;
  key: string;
  keyRules: string | undefined;
  request: RecordedRequest;
  session: StoredSession;
  /** The upgrade as the upstream answered it: the status line and the time to open. */
  openMs: number;
  totalMs: number;
  prices: Readonly<Record<string, Price>>;
}

/** A recorded WebSocket session as one interaction: status 101, the session's frames, usage summed over its server frames. */
export function buildSessionInteraction(p: SessionParts): Interaction {
  const rules = sessionRulesOf(p.provider.provider.family);
  let usage: Usage | undefined;
  let model = p.request.query.find(([k]) => k === 'model')?.[1];
  for (const f of p.session.frames) {
    if (f.body.kind !== 'json') continue;
    if (f.from === 'client') {
      model ??= rules.modelOf(f.body.json);
      continue;
    }
    const u = rules.usageOf(f.body.json);
    if (u) usage = addUsage(usage, u);
  }
  const costUsd = costOf(model, usage, p.provider.provider.inputIncludesCachedTokens, p.prices);
  return {
    episode: p.episode,
    take: p.take,
    position: p.position,
    provider: p.provider.name,
    family: p.provider.provider.family,
    key: p.key,
    keyVersion: KEY_VERSION,
    ...(p.keyRules !== undefined ? { keyRules: p.keyRules } : {}),
    occurrence: p.occurrence,
    request: p.request,
    response: {
      status: 101,
      headers: p.session.protocol ? { 'sec-websocket-protocol': p.session.protocol } : {},
      session: p.session,
    },
    // A session that ended without a close frame was cut: never served as golden.
    complete: p.session.close !== undefined && p.session.close.code !== 1006,
    timings: { ttfbMs: Math.round(p.openMs * 10) / 10, totalMs: Math.round(p.totalMs * 10) / 10 },
    ...(usage ? { usage } : {}),
    ...(costUsd !== undefined ? { costUsd } : {}),
    ...(model || usage ? { assembled: { text: '', toolCalls: [], ...(usage ? { usage } : {}), ...(model ? { model } : {}) } } : {}),
    recordedAt: new Date().toISOString(),
    productVersion: PRODUCT_VERSION,
  };
}

function addUsage(a: Usage | undefined, b: Usage): Usage {
  if (!a) return { ...b };
  const out: Usage = { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
  const cache = (a.cacheReadTokens ?? 0) + (b.cacheReadTokens ?? 0);
  if (cache > 0) out.cacheReadTokens = cache;
  return out;
}
