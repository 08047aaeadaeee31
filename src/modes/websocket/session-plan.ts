import type { CanonicalBodyFn } from '../../match/canonical-body.js';
import { diffJson } from '../../match/json-diff.js';
import { labelChanges } from '../../match/explain-miss.js';
import type { SessionRules } from '../../providers/session-rules.js';
import type { StoredBody, StoredSession } from '../../types.js';
import { FrameCanon } from './frame-canon.js';
import type { CanonicalFrame } from './frame-canon.js';

interface PlannedClientFrame {
  /** Index in `session.frames`. */
  index: number;
  canon: CanonicalFrame;
  matched: boolean;
}

export type PlanMatch = { kind: 'hit'; frame: number; send: readonly number[] } | { kind: 'miss'; message: string; field?: string };

/**
 * A recorded session as golden replays it, causally: each server frame belongs to the latest client
 * frame before it (of its own `stream_id` when the socket is multiplexed); those before any client
 * frame are sent on connect. A live client frame is matched against the next unmatched recorded one
 * of its stream, or any later one up to the end of the turn (the first frame that asks the model to
 * answer): clients that race two frames (the Agents SDK's two `session.update`) still match.
 */
export class SessionPlan {
  readonly session: StoredSession;
  readonly onConnect: number[] = [];
  readonly #clients: PlannedClientFrame[] = [];
  readonly #caused = new Map<number, number[]>();
  readonly #live: FrameCanon;
  #unmatched: number;

  constructor(session: StoredSession, rules: SessionRules, canonical: CanonicalBodyFn) {
    this.session = session;
    const recorded = new FrameCanon(rules, canonical);
    let last = -1;
    const lastOfStream = new Map<string, number>();
    session.frames.forEach((f, index) => {
      if (f.from === 'client') {
        const canon = recorded.client(f.body);
        this.#clients.push({ index, canon, matched: false });
        last = index;
        lastOfStream.set(canon.stream, index);
        return;
      }
      recorded.noteServer(f.body);
      const stream = f.body.kind === 'json' ? rules.streamOf(f.body.json) : '';
      const cause = stream !== '' && lastOfStream.has(stream) ? (lastOfStream.get(stream) as number) : last;
      if (cause < 0) this.onConnect.push(index);
      else {
        const list = this.#caused.get(cause);
        if (list) list.push(index);
        else this.#caused.set(cause, [index]);
      }
    });
    this.#unmatched = this.#clients.length;
    this.#live = new FrameCanon(rules, canonical);
  }

  /** Recorded client frames not matched yet. */
  get remaining(): number {
    return this.#unmatched;
  }

  /** Notes a server frame as it is sent to the live client (its ids are then known to both sides). */
  noteSent(body: StoredBody): void {
    this.#live.noteServer(body);
  }

  /** Matches one live client frame (already redacted into its stored form). */
  match(body: StoredBody, ordinal: number): PlanMatch {
    const live = this.#live.client(body);
    const window = this.#window(live.stream);
    const hit = window.find((c) => c.canon.text === live.text);
    if (hit) {
      hit.matched = true;
      this.#unmatched--;
      return { kind: 'hit', frame: hit.index, send: this.#caused.get(hit.index) ?? [] };
    }
    return this.#explain(live, window, ordinal);
  }

  #window(stream: string): PlannedClientFrame[] {
    const out: PlannedClientFrame[] = [];
    for (const c of this.#clients) {
      if (c.matched || (stream !== '' && c.canon.stream !== stream)) continue;
      out.push(c);
      if (c.canon.endsTurn) break;
    }
    return out;
  }

  #explain(live: CanonicalFrame, window: PlannedClientFrame[], ordinal: number): PlanMatch {
    const what = `client frame ${ordinal}${typeLabel(live.value)}`;
    if (window.length === 0) {
      return { kind: 'miss', message: `${what} has no recorded counterpart: every recorded client frame was already matched` };
    }
    let best: { c: PlannedClientFrame; changes: ReturnType<typeof diffJson> } | undefined;
    for (const c of window) {
      const changes = diffJson(c.canon.value, live.value, 200);
      if (!best || changes.length < best.changes.length) best = { c, changes };
    }
    const nearest = best as { c: PlannedClientFrame; changes: ReturnType<typeof diffJson> };
    const labels = labelChanges(nearest.changes, nearest.c.canon.value, live.value).slice(0, 6);
    const recordedOrdinal = this.#clients.indexOf(nearest.c) + 1;
    const field = nearest.changes[0]?.path;
    return {
      kind: 'miss',
      message:
        `${what} does not match the recording. Nearest recorded frame: client frame ${recordedOrdinal}` +
        `${typeLabel(nearest.c.canon.value)} (frame ${nearest.c.index + 1} of the session); differs: ${labels.join('; ') || 'only in ignored details'}`,
      ...(field !== undefined ? { field } : {}),
    };
  }
}

function typeLabel(value: unknown): string {
  if (value === null || typeof value !== 'object') return '';
  const record = value as Record<string, unknown>;
  if (typeof record.type === 'string') return ` (${record.type})`;
  const first = Object.keys(record)[0];
  return first && !first.startsWith('$') ? ` (${first})` : '';
}
