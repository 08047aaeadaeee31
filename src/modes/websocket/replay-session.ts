import type { WebSocket } from 'ws';
import type { Timing } from '../../config/load-config.js';
import { decodeBody } from '../../match/body-codec.js';
import type { CanonicalBodyFn } from '../../match/canonical-body.js';
import type { SessionRules } from '../../providers/session-rules.js';
import type { Redactor } from '../../safety/create-redactor.js';
import type { StoredSession } from '../../types.js';
import { encodeFrames } from './encode-frames.js';
import { SessionPlan } from './session-plan.js';

/** Close code of a replayed session whose client sent a frame the recording does not have. */
export const MISS_CLOSE_CODE = 4404;

/** --chaos on a session: drop both sockets after this many frames, or hold each frame this long. */
export interface SessionFaults {
  dropAfterFrames?: number;
  delayMs?: number;
}

export interface ReplayContext {
  rules: SessionRules;
  canonical: CanonicalBodyFn;
  redactor: Redactor;
  timing: Timing;
  /** ms of the upgrade in the recording: on-connect frames are timed from it. */
  openMs: number;
  faults?: SessionFaults;
  onMiss(message: string, field: string | undefined): void;
  /** The session is over (either side closed). */
  onEnd(result: { missed: boolean; unmatched: number }): void;
}

/**
 * Replays a recorded session on an accepted socket, causally: the server frames recorded before any
 * client frame go out on connect, then each client frame that matches the recording releases the
 * server frames that followed it, at recorded timing or at once. A client frame that does not
 * match gets the provider's error event (if its protocol has one) and a close with code 4404.
 */
export function replaySession(ws: WebSocket, session: StoredSession, ctx: ReplayContext): void {
  const plan = new SessionPlan(session, ctx.rules, ctx.canonical);
  let queue: Promise<void> | undefined;
  let missed = false;
  let ended = false;
  let ordinal = 0;

  let sent = 0;
  const sendNow = (index: number): void => {
    const frame = session.frames[index];
    if (!frame || ws.readyState !== ws.OPEN) return;
    const drop = ctx.faults?.dropAfterFrames;
    if (drop !== undefined && ++sent > drop) {
      // Chaos: the connection drops mid-session, without a close frame.
      ws.terminate();
      return;
    }
    plan.noteSent(frame.body);
    ws.send(decodeBody(frame.body), { binary: frame.binary === true });
  };
  const delayOf = (from: number, index: number): number => {
    if (ctx.timing === 'instant') return ctx.faults?.delayMs ?? 0;
    const gap = Math.max(0, (session.frames[index]?.ms ?? from) - from);
    return (ctx.timing === 'recorded' ? gap : gap * ctx.timing) + (ctx.faults?.delayMs ?? 0);
  };
  /** Sends a batch in order; at instant timing synchronously, else each after its recorded gap. */
  const release = (frames: readonly number[], fromMs: number): void => {
    if (ctx.timing === 'instant' && !ctx.faults?.delayMs && queue === undefined) {
      for (const i of frames) sendNow(i);
      finishIfDone();
      return;
    }
    const run = async (): Promise<void> => {
      let at = fromMs;
      for (const i of frames) {
        const wait = delayOf(at, i);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        sendNow(i);
        at = session.frames[i]?.ms ?? at;
      }
    };
    queue = (queue ?? Promise.resolve()).then(run).then(finishIfDone);
  };
  const finishIfDone = (): void => {
    if (plan.remaining > 0 || missed) return;
    const close = session.close;
    if (close?.by === 'server' && ws.readyState === ws.OPEN) closeWith(ws, close.code, close.reason);
  };

  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (missed) return;
    ordinal++;
    const [frame] = encodeFrames([{ ms: 0, from: 'client', binary: isBinary, data }], ctx.redactor);
    if (!frame) return;
    const m = plan.match(frame.body, ordinal);
    if (m.kind === 'hit') {
      release(m.send, session.frames[m.frame]?.ms ?? 0);
      return;
    }
    missed = true;
    ctx.onMiss(m.message, m.field);
    const event = ctx.rules.errorEvent('cassette_miss', `cassette miss: ${m.message}`);
    if (event !== undefined) ws.send(JSON.stringify(event));
    ws.close(MISS_CLOSE_CODE, closeReason(`cassette_miss: ${m.message}`));
  });
  ws.on('close', () => {
    if (ended) return;
    ended = true;
    ctx.onEnd({ missed, unmatched: plan.remaining });
  });
  ws.on('error', () => ws.terminate());
  release(plan.onConnect, ctx.openMs);
}

/** Closes with a recorded code; 1005/1006 (no status, abnormal) cannot be sent: a bare close or a drop stands for them. */
export function closeWith(ws: WebSocket, code: number, reason: string): void {
  if (code === 1006) ws.terminate();
  else if (code === 1005 || !validCloseCode(code)) ws.close();
  else ws.close(code, closeReason(reason));
}

function validCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

/** A close reason is at most 123 bytes of UTF-8: longer ones are cut with an ellipsis. */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= 123) return text;
  let out = text.slice(0, 120);
  while (Buffer.byteLength(`${out}…`) > 123) out = out.slice(0, -1);
  return `${out}…`;
}
