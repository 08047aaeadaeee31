import { describe, expect, it } from 'vitest';
import { createCanonicalBody } from '../../src/match/canonical-body.js';
import { sessionRulesOf } from '../../src/providers/registry.js';
import { SessionPlan } from '../../src/modes/websocket/session-plan.js';
import type { StoredBody, StoredSession, WebSocketFrame } from '../../src/types.js';

const openai = sessionRulesOf('openai');
const canonical = createCanonicalBody({ ignore: openai.ignoredFields, normalize: [] });
const json = (value: unknown): StoredBody => ({ kind: 'json', json: value });
const c = (ms: number, value: unknown): WebSocketFrame => ({ ms, from: 'client', body: json(value) });
const s = (ms: number, value: unknown): WebSocketFrame => ({ ms, from: 'server', body: json(value) });
const session = (frames: WebSocketFrame[]): StoredSession => ({
  protocols: [],
  frames,
  close: { by: 'client', code: 1000, reason: '', ms: 99 },
});

describe('causal session plan', () => {
  it('sends what came before any client frame on connect, then what each client frame caused', () => {
    const plan = new SessionPlan(
      session([s(1, { type: 'session.created' }), c(2, { type: 'session.update', event_id: 'a' }), s(3, { type: 'session.updated' })]),
      openai,
      canonical,
    );
    expect(plan.onConnect).toEqual([0]);
    // event_id is the client's bookkeeping: a new one still matches.
    expect(plan.match(json({ type: 'session.update', event_id: 'zzz' }), 1)).toEqual({ kind: 'hit', frame: 1, send: [2] });
    expect(plan.remaining).toBe(0);
  });

  it('matches frames that race each other within a turn in either order', () => {
    const rec = session([
      s(1, { type: 'session.created' }),
      c(2, { type: 'session.update', session: { instructions: 'A' } }),
      s(3, { type: 'session.updated', n: 1 }),
      c(4, { type: 'session.update', session: { tools: [] } }),
      s(5, { type: 'session.updated', n: 2 }),
      c(6, { type: 'response.create' }),
      s(7, { type: 'response.done' }),
    ]);
    const plan = new SessionPlan(rec, openai, canonical);
    expect(plan.match(json({ type: 'session.update', session: { tools: [] } }), 1)).toMatchObject({ kind: 'hit', send: [4] });
    expect(plan.match(json({ type: 'session.update', session: { instructions: 'A' } }), 2)).toMatchObject({ kind: 'hit', send: [2] });
    expect(plan.match(json({ type: 'response.create' }), 3)).toMatchObject({ kind: 'hit', send: [6] });
  });

  it('never looks past the frame that asks the model to answer', () => {
    const plan = new SessionPlan(
      session([
        c(1, { type: 'response.create', response: { instructions: 'one' } }),
        c(2, { type: 'conversation.item.create', item: { type: 'message' } }),
      ]),
      openai,
      canonical,
    );
    const m = plan.match(json({ type: 'conversation.item.create', item: { type: 'message' } }), 1);
    expect(m.kind).toBe('miss');
  });

  it('matches multiplexed stream_id conversations per stream', () => {
    const rec = session([
      c(1, { type: 'response.create', stream_id: 'a', input: 'first' }),
      c(2, { type: 'response.create', stream_id: 'b', input: 'second' }),
      s(3, { type: 'response.created', stream_id: 'b' }),
      s(4, { type: 'response.created', stream_id: 'a' }),
      s(5, { type: 'response.completed', stream_id: 'a' }),
      s(6, { type: 'response.completed', stream_id: 'b' }),
    ]);
    const plan = new SessionPlan(rec, openai, canonical);
    expect(plan.match(json({ type: 'response.create', stream_id: 'b', input: 'second' }), 1)).toMatchObject({ kind: 'hit', send: [2, 5] });
    expect(plan.match(json({ type: 'response.create', stream_id: 'a', input: 'first' }), 2)).toMatchObject({ kind: 'hit', send: [3, 4] });
  });

  it('normalizes ids the client made up, by order of first appearance, and keeps ids the server sent', () => {
    const rec = session([
      c(1, { type: 'conversation.item.create', item: { id: 'item_client_1', type: 'message' } }),
      s(2, { type: 'conversation.item.added', item: { id: 'item_client_1' }, call_id: 'call_srv' }),
      c(3, {
        type: 'conversation.item.create',
        previous_item_id: 'item_client_1',
        item: { type: 'function_call_output', call_id: 'call_srv' },
      }),
    ]);
    const plan = new SessionPlan(rec, openai, canonical);
    expect(plan.match(json({ type: 'conversation.item.create', item: { id: 'item_other_9', type: 'message' } }), 1).kind).toBe('hit');
    plan.noteSent(rec.frames[1]?.body as StoredBody);
    expect(
      plan.match(
        json({
          type: 'conversation.item.create',
          previous_item_id: 'item_other_9',
          item: { type: 'function_call_output', call_id: 'call_srv' },
        }),
        2,
      ).kind,
    ).toBe('hit');
  });

  it('explains a miss with the nearest recorded frame and the field that differs', () => {
    const plan = new SessionPlan(
      session([c(1, { type: 'conversation.item.create', item: { type: 'function_call_output', output: '{"t":21}' } })]),
      openai,
      canonical,
    );
    const m = plan.match(json({ type: 'conversation.item.create', item: { type: 'function_call_output', output: '{"t":5}' } }), 1);
    expect(m).toMatchObject({ kind: 'miss', field: 'item.output' });
    expect(m.kind === 'miss' && m.message).toMatch(
      /client frame 1 \(conversation\.item\.create\) does not match.*Nearest recorded frame: client frame 1/,
    );
  });
});
