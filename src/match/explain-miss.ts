import type { Interaction } from '../types.js';
import { diffJson } from './json-diff.js';
import { messageText } from './message-text.js';
import type { JsonChange } from './json-diff.js';
import type { CanonicalRequest } from './request-key.js';

/** The recorded request closest to a missed one, and what differs, in words and as JSON paths. */
export interface MissExplanation {
  nearest?: { position: number; method: string; path: string };
  /** Labels a person understands: "model changed: gpt-4o → gpt-4o-mini". */
  differences: string[];
  /** The raw changes behind the labels. */
  changes: JsonChange[];
}

export interface Candidate {
  /** The recording: its position and stored request (nothing else is read). */
  interaction: Pick<Interaction, 'position' | 'request'>;
  canonical: CanonicalRequest;
}

const MAX_LABELS = 6;

/**
 * Finds the nearest recording by narrowing one dimension at a time (provider, method, path, then
 * the fewest body differences) and says what differs, the way undici's mock layer names the
 * dimension that emptied the candidate set.
 */
export function explainMiss(missed: CanonicalRequest, candidates: readonly Candidate[]): MissExplanation {
  if (candidates.length === 0) return { differences: [], changes: [] };
  let best: { c: Candidate; score: number; changes: JsonChange[] } | undefined;
  for (const c of candidates) {
    const r = c.canonical;
    let score = 0;
    if (r.provider !== missed.provider) score += 10_000;
    if (r.method !== missed.method) score += 5_000;
    if (r.path !== missed.path) score += 2_000;
    if (best && score >= best.score) continue;
    const changes = diffJson(r.body, missed.body, 200);
    score += weigh(changes) + (r.query === missed.query ? 0 : 1) + (r.headers === missed.headers ? 0 : 1);
    if (!best || score < best.score) best = { c, score, changes };
  }
  if (!best) return { differences: [], changes: [] };
  const r = best.c.canonical;
  const differences: string[] = [];
  if (r.provider !== missed.provider) differences.push(`provider ${r.provider} → ${missed.provider}`);
  if (r.method !== missed.method) differences.push(`method ${r.method} → ${missed.method}`);
  if (r.path !== missed.path) differences.push(`path ${r.path} → ${missed.path}`);
  if (r.query !== missed.query) differences.push(`query "${r.query}" → "${missed.query}"`);
  if (r.headers !== missed.headers) differences.push(`headers ${brief(r.headers)} → ${brief(missed.headers)}`);
  differences.push(...labelChanges(best.changes, r.body, missed.body));
  const i = best.c.interaction;
  return {
    nearest: { position: i.position, method: i.request.method, path: i.request.path },
    differences:
      differences.length > MAX_LABELS ? [...differences.slice(0, MAX_LABELS), `and ${differences.length - MAX_LABELS} more`] : differences,
    changes: best.changes,
  };
}

/** A whole message appended at the end of the conversation: the next step of the same loop. */
const APPENDED_MESSAGE = /^(messages|contents|input)\[\d+\]$/;

/**
 * How far apart two bodies are, weighted by content. A message appended at the end (the agent loop
 * went one step further) weighs 0.5, less than any change to what the recording already holds; a
 * changed string weighs 1 plus up to 0.9 by how unlike the two texts are (a prompt one word apart
 * is nearer than an unrelated one, and one change always weighs less than two); anything else 1.
 */
function weigh(changes: readonly JsonChange[]): number {
  let w = 0;
  for (const ch of changes) {
    if (ch.kind === 'added' && APPENDED_MESSAGE.test(ch.path)) w += 0.5;
    else if (ch.kind === 'changed' && typeof ch.before === 'string' && typeof ch.after === 'string')
      w += 1 + 0.9 * unlike(ch.before, ch.after);
    else w += 1;
  }
  return w;
}

/** 0 same … 1 nothing shared at either end. */
function unlike(a: string, b: string): number {
  const max = Math.max(a.length, b.length);
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  return max === 0 ? 0 : 1 - (prefix + suffix) / max;
}

/** Groups raw changes into sentences: one per message, per tool, per top-level setting. */
export function labelChanges(changes: readonly JsonChange[], before: unknown, after: unknown): string[] {
  const labels: string[] = [];
  const seen = new Set<string>();
  const once = (group: string, label: () => string): void => {
    if (seen.has(group)) return;
    seen.add(group);
    labels.push(label());
  };
  for (const ch of changes) {
    const top = /^([^.[]+)/.exec(ch.path)?.[1] ?? ch.path;
    const msg = /^(messages|contents|input)\[(\d+)\]/.exec(ch.path);
    const tool = /^tools\[(\d+)\](?:\.functionDeclarations\[(\d+)\])?/.exec(ch.path);
    if (top === 'system' || top === 'instructions' || top === 'systemInstruction') {
      once('system', () => `system prompt changed${snippet(get(before, top), get(after, top))}`);
    } else if (msg) {
      const index = Number(msg[2]);
      const role = roleOf(get(after, `${msg[1]}`), index) ?? roleOf(get(before, `${msg[1]}`), index);
      if ((role === 'system' || role === 'developer') && ch.path.startsWith(`${msg[0]}`)) {
        once('system', () => `system prompt changed${snippet(get(before, msg[0]), get(after, msg[0]))}`);
      } else if (ch.kind !== 'changed' && ch.path === msg[0]) {
        once(msg[0], () => `message ${index + 1}${role ? ` (${role})` : ''} ${ch.kind === 'added' ? 'added' : 'missing'}`);
      } else {
        once(msg[0], () => `message ${index + 1}${role ? ` (${role})` : ''} differs${snippet(get(before, msg[0]), get(after, msg[0]))}`);
      }
    } else if (tool) {
      const path = tool[0];
      const name = toolName(get(after, path)) ?? toolName(get(before, path)) ?? `#${Number(tool[1]) + 1}`;
      const param = /\.properties\.([^.[]+)$/.exec(ch.path)?.[1];
      if (param && ch.kind === 'added') labels.push(`tool schema of \`${name}\` gained parameter \`${param}\``);
      else if (param && ch.kind === 'removed') labels.push(`tool schema of \`${name}\` lost parameter \`${param}\``);
      else if (ch.path === path && ch.kind !== 'changed') labels.push(`tool \`${name}\` ${ch.kind === 'added' ? 'added' : 'removed'}`);
      else once(`tool:${path}`, () => `tool \`${name}\` changed at ${ch.path}`);
    } else if (ch.kind === 'added') {
      labels.push(`${ch.path} added (${show(ch.after)})`);
    } else if (ch.kind === 'removed') {
      labels.push(`${ch.path} removed (was ${show(ch.before)})`);
    } else if (ch.path === 'model') {
      labels.push(`model changed: ${show(ch.before)} → ${show(ch.after)}`);
    } else {
      labels.push(`${ch.path} ${show(ch.before)} → ${show(ch.after)}`);
    }
  }
  return labels;
}

function get(root: unknown, path: string): unknown {
  let node = root;
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = m[2] !== undefined ? (node as unknown[])[Number(m[2])] : (node as Record<string, unknown>)[m[1] as string];
  }
  return node;
}

function roleOf(list: unknown, index: number): string | undefined {
  const item = Array.isArray(list) ? (list[index] as unknown) : undefined;
  const role = item && typeof item === 'object' ? (item as Record<string, unknown>).role : undefined;
  return typeof role === 'string' ? role : undefined;
}

function toolName(tool: unknown): string | undefined {
  if (!tool || typeof tool !== 'object') return undefined;
  const t = tool as Record<string, unknown>;
  const fn = t.function as Record<string, unknown> | undefined;
  const name = fn?.name ?? t.name;
  return typeof name === 'string' ? name : undefined;
}

/** `: "What is the wea…" → "What's the wea…"` around the first place two texts part. */
function snippet(before: unknown, after: unknown): string {
  const a = textOf(before);
  const b = textOf(after);
  if (a === undefined || b === undefined || a === b) return '';
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const from = Math.max(0, i - 12);
  const cut = (s: string): string => JSON.stringify((from > 0 ? '…' : '') + s.slice(from, from + 40) + (s.length > from + 40 ? '…' : ''));
  return `: ${cut(a)} → ${cut(b)}`;
}

/** The words of a message, else its JSON. */
function textOf(v: unknown): string | undefined {
  if (v === undefined) return undefined;
  return messageText(v) ?? JSON.stringify(v);
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function brief(headers: string): string {
  return headers ? JSON.stringify(headers.replace(/\n/g, '; ')) : '(none)';
}
