import type { MatchedRequest } from '../match/request-matcher.js';
import { buildInteraction } from '../modes/build-interaction.js';
import type { Recorder } from '../modes/recorder.js';
import type { Redactor } from '../safety/create-redactor.js';
import type { Interaction } from '../types.js';
import type { ForwardResult } from '../upstream/forward-request.js';
import type { Flow } from './step.js';

type Slot = Awaited<ReturnType<Recorder['reserve']>>;

/**
 * Builds the interaction of a forwarded call and keeps it: appends it to the take (a recording
 * mode with a reserved slot), serves it to the next identical call (a mode that also replays),
 * and compares it with the contract (a mode that checks it). Resolves once it is committed to the
 * store, with the interaction when it was stored complete for replay.
 */
export async function keepForwarded(
  flow: Flow,
  matched: MatchedRequest,
  slot: Slot | undefined,
  result: ForwardResult,
): Promise<Interaction | undefined> {
  const { rt, call } = flow;
  const { options, traits } = rt;
  if (!slot && !traits.checksContract) return undefined;
  const interaction = buildInteraction({
    episode: call.episode,
    take: slot ? await slot.take() : 0,
    position: slot?.position ?? 0,
    occurrence: slot?.occurrence ?? 1,
    route: call.route,
    key: matched.key,
    keyRules: rt.matcher.rulesFingerprint(call.route.name),
    request: matched.request,
    // Redact rules apply to everything stored, response headers included (SPEC §4).
    forwarded: { ...result, headers: redactHeaders(rt.redactor, result.headers) },
    prices: options.file.prices,
  });
  rt.budget.addCost(interaction.costUsd);
  rt.stats.addUsage(interaction.usage, interaction.costUsd, false);
  let stored: Promise<void> | undefined;
  let recorded: Interaction | undefined;
  if (slot && rt.recorder) {
    stored = rt.recorder.append(interaction);
    if (interaction.complete && traits.replays) {
      await rt.replayer?.add(call.episode, interaction, stored);
      recorded = interaction;
    }
  }
  if (traits.checksContract && rt.checkAnswer) {
    for (const f of rt.checkAnswer(call.route, interaction)) {
      rt.stats.drift.push({ ...f, provider: call.route.name });
      rt.logger.warn({ provider: call.route.name, ...f }, `contract drift: ${f.check} at ${f.path}`);
    }
  }
  await stored;
  return recorded;
}

function redactHeaders(redactor: Redactor, headers: Record<string, string | string[]>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = Array.isArray(v) ? v.map((x) => redactor.text(x)) : redactor.text(v);
  return out;
}
