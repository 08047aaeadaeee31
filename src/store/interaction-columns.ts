import type { Interaction } from '../types.js';

/**
 * The columns an interaction row keeps beside its JSON, for queries and golden's index: the same
 * on SQLite and PostgreSQL (each backend adds how it stores the JSON, and SQLite its 0/1 for
 * `complete`).
 */
export function interactionColumns(takeId: number, i: Interaction) {
  return {
    take_id: takeId,
    position: i.position,
    provider: i.provider,
    method: i.request.method,
    path: i.request.path,
    key: i.key,
    key_version: i.keyVersion,
    key_rules: i.keyRules ?? null,
    occurrence: i.occurrence,
    status: i.response.status,
    complete: i.complete,
    input_tokens: i.usage?.inputTokens ?? null,
    output_tokens: i.usage?.outputTokens ?? null,
    cost_usd: i.costUsd ?? null,
    total_ms: i.timings.totalMs,
    recorded_at: i.recordedAt,
  };
}
