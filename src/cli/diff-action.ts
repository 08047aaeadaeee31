import { compareSteps } from '../compare/compare-steps.js';
import { CassetteError } from '../errors.js';
import { labelChanges } from '../match/explain-miss.js';
import { diffJson } from '../match/json-diff.js';
import { truncate } from '../match/message-text.js';
import { collect, type Store } from '../store/store.js';
import type { Interaction, TakeSummary } from '../types.js';
import { dataPaint, printData, printJson } from './output.js';
import { plainPaint } from '../util/paint.js';
import type { Paint } from '../util/paint.js';
import { positiveInt } from './positive-int.js';
import { resolveStorePath, withStore } from './store-option.js';
import { unknownEpisode } from './unknown-episode.js';

interface DiffFlags {
  take?: string[];
  store?: string;
  json?: boolean;
}

/** One side of a diff: which take of which episode, and its calls in order. */
interface Side {
  episode: string;
  take: number;
  interactions: Interaction[];
}

/** What changed at one step between two recordings. */
export interface StepDiff {
  step: number;
  changed: boolean;
  /** `a`/`b`: the step exists on that side only. */
  only?: 'a' | 'b';
  provider: string;
  method: string;
  path: string;
  /** In the words of the miss explanation: what differs in the request. */
  request: string[];
  /** Status, finish reason, tool calls, answer text. */
  answer: string[];
  status: { a?: number; b?: number };
  text: { a: string; b: string; similarity: number };
  toolCalls: { a: string[]; b: string[] };
  tokens: { a: number; b: number; delta: number };
  latencyMs: { a: number; b: number; delta: number };
}

/**
 * `cassette diff EP [--take A --take B]` and `cassette diff EP1 EP2`: step by step, what changed
 * between two recordings, from the store alone (nothing is sent anywhere).
 */
export async function diffAction(episodes: string[], flags: DiffFlags): Promise<number> {
  const takes = (flags.take ?? []).map((t) => positiveInt('--take', t));
  if (episodes.length === 0 || episodes.length > 2) throw usage('diff takes one episode (two of its takes) or two episodes');
  if (episodes.length === 2 && takes.length > 0) throw usage('--take goes with one episode: cassette diff EP --take A --take B');
  if (takes.length !== 0 && takes.length !== 2) throw usage('give --take twice (cassette diff EP --take 1 --take 3), or not at all');
  const [a, b] = await withStore(await resolveStorePath(flags), { readonly: true }, (store) => pickSides(store, episodes, takes));
  const steps = diffSides(a, b);
  const changed = steps.filter((s) => s.changed).length;
  if (flags.json) {
    printJson({ ok: true, a: { episode: a.episode, take: a.take }, b: { episode: b.episode, take: b.take }, changed, steps });
  } else printData(formatDiff(a, b, steps, dataPaint()));
  return 0;
}

function usage(message: string): CassetteError {
  return new CassetteError('bad_usage', message, {
    hint: 'Examples: cassette diff checkout; cassette diff checkout --take 1 --take 2; cassette diff run-a run-b',
  });
}

async function pickSides(store: Store, episodes: string[], takes: number[]): Promise<[Side, Side]> {
  const known = await store.listEpisodes();
  const missing = episodes.filter((e) => !known.includes(e));
  if (missing.length > 0) throw unknownEpisode(missing, known);
  const read = async (episode: string, take: TakeSummary): Promise<Side> => ({
    episode,
    take: take.take,
    interactions: (await collect(store.interactions({ episodes: [episode], newestTakeOnly: false, includeIncomplete: true })))
      .filter((i) => i.take === take.take)
      .sort((x, y) => x.position - y.position),
  });
  if (episodes.length === 2) {
    const [e1, e2] = episodes as [string, string];
    return [await read(e1, servedTake(await store.listTakes(e1))), await read(e2, servedTake(await store.listTakes(e2)))];
  }
  const episode = episodes[0] as string;
  const all = (await store.listTakes(episode)).sort((x, y) => x.take - y.take);
  if (takes.length === 2) {
    const find = (n: number): TakeSummary => {
      const t = all.find((x) => x.take === n);
      if (!t)
        throw new CassetteError('episode_not_found', `episode "${episode}" has no take ${n}`, {
          hint: `Its takes: ${all.map((x) => x.take).join(', ')}.`,
        });
      return t;
    };
    return [await read(episode, find(takes[0] as number)), await read(episode, find(takes[1] as number))];
  }
  if (all.length < 2) {
    throw new CassetteError('episode_not_found', `episode "${episode}" has only one take: nothing to compare it with`, {
      hint: 'Record it again (cassette rerecord EP), or compare two episodes: cassette diff EP1 EP2.',
    });
  }
  return [await read(episode, all.at(-2) as TakeSummary), await read(episode, all.at(-1) as TakeSummary)];
}

/** The take golden serves: the newest holding a complete call, else the newest. */
function servedTake(takes: TakeSummary[]): TakeSummary {
  const newestFirst = [...takes].sort((x, y) => y.take - x.take);
  return newestFirst.find((t) => t.interactions > t.incomplete) ?? (newestFirst[0] as TakeSummary);
}

/** Compares the calls of two recordings in call order. */
export function diffSides(a: Side, b: Side): StepDiff[] {
  const steps: StepDiff[] = [];
  for (let n = 0; n < Math.max(a.interactions.length, b.interactions.length); n++) {
    const x = a.interactions[n];
    const y = b.interactions[n];
    const one = (x ?? y) as Interaction;
    const base = { step: n + 1, provider: one.provider, method: one.request.method, path: one.request.path };
    if (!x || !y) {
      steps.push({
        ...base,
        changed: true,
        only: x ? 'a' : 'b',
        request: [],
        answer: [],
        status: x ? { a: x.response.status } : { b: (y as Interaction).response.status },
        text: { a: x?.assembled?.text ?? '', b: y?.assembled?.text ?? '', similarity: 0 },
        toolCalls: { a: (x?.assembled?.toolCalls ?? []).map((t) => t.name), b: (y?.assembled?.toolCalls ?? []).map((t) => t.name) },
        tokens: { a: tokens(x), b: tokens(y), delta: tokens(y) - tokens(x) },
        latencyMs: { a: x?.timings.totalMs ?? 0, b: y?.timings.totalMs ?? 0, delta: (y?.timings.totalMs ?? 0) - (x?.timings.totalMs ?? 0) },
      });
      continue;
    }
    const request = requestChanges(x, y);
    const cmp = compareSteps(n + 1, x, y, 1);
    const answer = cmp.reasons.filter((r) => !r.startsWith('text similarity'));
    const textA = x.assembled?.text ?? '';
    const textB = y.assembled?.text ?? '';
    if (textA !== textB)
      answer.push(
        `answer text differs (similarity ${cmp.similarity}): ${JSON.stringify(truncate(textA, 60))} → ${JSON.stringify(truncate(textB, 60))}`,
      );
    if (cmp.toolCalls.sameNames && !cmp.toolCalls.sameArguments) answer.push('tool call arguments differ');
    steps.push({
      ...base,
      changed: request.length > 0 || answer.length > 0,
      request,
      answer,
      status: { a: x.response.status, b: y.response.status },
      text: { a: textA, b: textB, similarity: cmp.similarity },
      toolCalls: { a: cmp.toolCalls.recorded, b: cmp.toolCalls.live },
      tokens: { a: cmp.tokens.recorded, b: cmp.tokens.live, delta: cmp.tokens.delta },
      latencyMs: { a: cmp.latencyMs.recorded, b: cmp.latencyMs.live, delta: cmp.latencyMs.delta },
    });
  }
  return steps;
}

/** What differs in the request, in the sentences the miss explanation uses. */
function requestChanges(x: Interaction, y: Interaction): string[] {
  const out: string[] = [];
  if (x.provider !== y.provider) out.push(`provider ${x.provider} → ${y.provider}`);
  if (x.request.method !== y.request.method || x.request.path !== y.request.path)
    out.push(`${x.request.method} ${x.request.path} → ${y.request.method} ${y.request.path}`);
  const bx = x.request.body;
  const by = y.request.body;
  if (bx.kind === 'json' && by.kind === 'json') out.push(...labelChanges(diffJson(bx.json, by.json), bx.json, by.json));
  else if (JSON.stringify(bx) !== JSON.stringify(by)) out.push('body differs');
  return out;
}

function tokens(i: Interaction | undefined): number {
  return (i?.usage?.inputTokens ?? 0) + (i?.usage?.outputTokens ?? 0);
}

/** The diff for people: CHANGED red, same green, a step on one side only yellow, timing dim. */
export function formatDiff(a: Side, b: Side, steps: StepDiff[], paint: Paint = plainPaint): string {
  const name = (s: Side): string => (a.episode === b.episode ? `take ${s.take}` : `"${s.episode}" take ${s.take}`);
  const title =
    a.episode === b.episode
      ? `episode "${a.episode}" take ${a.take} → take ${b.take}`
      : `"${a.episode}" take ${a.take} → "${b.episode}" take ${b.take}`;
  const lines = [paint.bold(`diff ${title}: ${steps.filter((s) => s.changed).length} of ${steps.length} steps differ`)];
  for (const s of steps) {
    const what = `${s.provider} ${s.method} ${s.path}`;
    if (s.only) {
      lines.push(paint.warn(`  step ${s.step} only in ${name(s.only === 'a' ? a : b)}: ${what}`));
      continue;
    }
    lines.push(`  step ${s.step} ${s.changed ? paint.fail('CHANGED') : paint.ok('same   ')} ${what}`);
    if (s.request.length > 0) lines.push(`      request: ${s.request.join('; ')}`);
    for (const r of s.answer) lines.push(`      ${r}`);
    if (s.tokens.delta !== 0) lines.push(`      usage: ${s.tokens.a} → ${s.tokens.b} tokens (${signed(s.tokens.delta)})`);
    lines.push(
      paint.dim(
        `      timing: ${Math.round(s.latencyMs.a)} ms → ${Math.round(s.latencyMs.b)} ms (${signed(Math.round(s.latencyMs.delta))} ms)`,
      ),
    );
  }
  return lines.join('\n');
}

function signed(n: number): string {
  return n > 0 ? `+${n}` : String(n);
}
