import { encodeBody } from '../../match/body-codec.js';
import type { Redactor } from '../../safety/create-redactor.js';
import { CREDENTIAL_REPLACEMENT, credentialRegex } from '../../safety/credential-patterns.js';
import type { StoredBody, WebSocketFrame } from '../../types.js';

/** A frame as the relay sees it: bytes kept as they came, encoded once the session is over. */
export interface RawFrame {
  ms: number;
  from: 'client' | 'server';
  binary: boolean;
  data: Buffer;
}

/**
 * Turns relayed frames into their stored form, secrets out: each frame's text is redacted like an
 * SSE event (built-in credential shapes and config `redact` rules), then a credential streamed in
 * pieces over several frames (`delta` after `delta`) is found in the joined text and removed from
 * every piece it spans.
 */
export function encodeFrames(frames: readonly RawFrame[], redactor: Redactor): WebSocketFrame[] {
  const out = frames.map((f): WebSocketFrame => {
    const body = encodeBody(f.data, undefined, { redact: redactor.text });
    const withPathRules: StoredBody = body.kind === 'json' ? redactPaths(body, redactor) : body;
    return { ms: Math.round(f.ms * 10) / 10, from: f.from, ...(f.binary ? { binary: true as const } : {}), body: withPathRules };
  });
  redactSplitCredentials(out);
  return out;
}

function redactPaths(body: Extract<StoredBody, { kind: 'json' }>, redactor: Redactor): StoredBody {
  const json = redactor.json(structuredClone(body.json));
  // Unchanged (the common case): keep what reproduces the exact bytes.
  return JSON.stringify(json) === JSON.stringify(body.json) ? body : { kind: 'json', json };
}

/** Keys whose string values a server streams in pieces. */
const STREAMED_KEYS = new Set(['delta', 'text', 'transcript']);

interface Piece {
  frame: WebSocketFrame;
  holder: Record<string, unknown>;
  key: string;
  start: number;
  text: string;
}

/** Finds credentials that only appear when consecutive streamed pieces are joined, and cuts them out of each piece. */
function redactSplitCredentials(frames: WebSocketFrame[]): void {
  const pieces: Piece[] = [];
  let joined = '';
  for (const frame of frames) {
    if (frame.from !== 'server' || frame.body.kind !== 'json') continue;
    collect(frame.body.json, frame, (holder, key, text) => {
      pieces.push({ frame, holder, key, start: joined.length, text });
      joined += text;
    });
  }
  if (pieces.length < 2) return;
  const regex = credentialRegex();
  const cuts: { start: number; end: number }[] = [];
  for (let m = regex.exec(joined); m; m = regex.exec(joined)) cuts.push({ start: m.index, end: m.index + m[0].length });
  if (cuts.length === 0) return;
  const touched = new Set<WebSocketFrame>();
  for (const cut of cuts) {
    let first = true;
    for (const p of pieces) {
      const end = p.start + p.text.length;
      if (end <= cut.start || p.start >= cut.end) continue;
      const from = Math.max(cut.start, p.start) - p.start;
      const to = Math.min(cut.end, end) - p.start;
      const current = p.holder[p.key] as string;
      // Offsets shift once a piece was cut: count from the end, which the cut leaves alone.
      const tail = p.text.length - to;
      const head = current.slice(0, from);
      p.holder[p.key] = head + (first ? CREDENTIAL_REPLACEMENT : '') + current.slice(current.length - tail);
      first = false;
      touched.add(p.frame);
    }
  }
  for (const f of touched) if (f.body.kind === 'json') f.body = { kind: 'json', json: f.body.json };
}

function collect(value: unknown, frame: WebSocketFrame, add: (holder: Record<string, unknown>, key: string, text: string) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) collect(v, frame, add);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const record = value as Record<string, unknown>;
  for (const k of Object.keys(record)) {
    const v = record[k];
    if (typeof v === 'string' && STREAMED_KEYS.has(k)) add(record, k, v);
    else if (typeof v === 'object') collect(v, frame, add);
  }
}
