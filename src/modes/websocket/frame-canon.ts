import type { CanonicalBodyFn } from '../../match/canonical-body.js';
import { stableJson } from '../../match/canonical-body.js';
import type { SessionRules } from '../../providers/session-rules.js';
import type { StoredBody } from '../../types.js';

/** A client frame in its matching form: `text` is compared, `value` explains a difference. */
export interface CanonicalFrame {
  value: unknown;
  text: string;
  stream: string;
  endsTurn: boolean;
}

/**
 * Turns the client frames of one session, in order, into their matching form: the provider's
 * ignored fields and config `match` rules applied, keys sorted, and ids the client made up
 * (values at the provider's `clientIdFields` that the server never sent) replaced by `<id-N>`
 * in order of first appearance, so a replay whose client mints new ids still matches.
 */
export class FrameCanon {
  readonly #rules: SessionRules;
  readonly #canonical: CanonicalBodyFn;
  /** Id values the server sent so far: those are the same in every replay and are kept. */
  readonly #serverIds = new Set<string>();
  readonly #clientIds = new Map<string, string>();

  constructor(rules: SessionRules, canonical: CanonicalBodyFn) {
    this.#rules = rules;
    this.#canonical = canonical;
  }

  /** Notes the ids a server frame carries (call for every server frame, in session order). */
  noteServer(body: StoredBody): void {
    if (body.kind !== 'json') return;
    const ids = new Set<string>();
    collectIds(body.json, ids);
    // A server echoing an id the client made up (`conversation.item.added`) does not make it the server's.
    for (const id of ids) if (!this.#clientIds.has(id)) this.#serverIds.add(id);
  }

  client(body: StoredBody): CanonicalFrame {
    if (body.kind !== 'json') {
      const value = body.kind === 'text' ? { $text: body.text } : body.kind === 'base64' ? { $base64: body.base64 } : null;
      return { value, text: stableJson(value), stream: '', endsTurn: false };
    }
    const value = this.#normalizeIds(this.#canonical(body.json));
    return { value, text: stableJson(value), stream: this.#rules.streamOf(body.json), endsTurn: this.#rules.endsTurn(body.json) };
  }

  #normalizeIds(value: unknown): unknown {
    const fields = this.#rules.clientIdFields;
    if (fields.length === 0) return value;
    const walk = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(walk);
      if (v === null || typeof v !== 'object') return v;
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (typeof x === 'string' && fields.includes(k) && !this.#serverIds.has(x)) {
          let n = this.#clientIds.get(x);
          if (n === undefined) this.#clientIds.set(x, (n = `<id-${this.#clientIds.size + 1}>`));
          out[k] = n;
        } else out[k] = walk(x);
      }
      return out;
    };
    return walk(value);
  }
}

/** Values of keys spelled `id` or ending in `_id`, anywhere in a server frame. */
function collectIds(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectIds(v, into);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string') {
      if (k === 'id' || k.endsWith('_id')) into.add(v);
    } else if (typeof v === 'object') collectIds(v, into);
  }
}
