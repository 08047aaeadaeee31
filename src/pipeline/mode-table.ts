import type { ModeTraits } from '../modes/proxy-runtime.js';
import type { Mode } from '../types.js';
import { answerMiss } from './answer-miss.js';
import { answerMock } from './answer-mock.js';
import { forwardUpstream } from './forward-upstream.js';
import { injectChaos } from './inject-chaos.js';
import { matchRequest } from './match-request.js';
import { recordOnce } from './record-once.js';
import { replayRecorded } from './replay-recorded.js';
import type { Step } from './step.js';

/** One mode: what its runtime holds (traits) and the steps a proxied request goes through, in order. */
export interface ModeEntry {
  readonly traits: ModeTraits;
  readonly steps: readonly Step[];
}

const none: ModeTraits = {
  store: 'none',
  replays: false,
  records: false,
  forwards: false,
  fakes: false,
  sharesMisses: false,
  continuesTakes: false,
  checksContract: false,
};

/**
 * What every mode does: the one place that tells modes apart. The first step that answers ends a
 * request; every other step passes it on (src/pipeline/step.ts). The episode was resolved and the
 * body read before the first step (src/server/create-request-handler.ts).
 */
export const MODE_TABLE: Readonly<Record<Mode, ModeEntry>> = {
  golden: {
    traits: { ...none, store: 'read', replays: true },
    steps: [injectChaos, matchRequest, replayRecorded, answerMiss],
  },
  'record-missing': {
    traits: { ...none, store: 'write', replays: true, records: true, forwards: true, sharesMisses: true, continuesTakes: true },
    steps: [injectChaos, matchRequest, replayRecorded, recordOnce, forwardUpstream],
  },
  live: {
    traits: { ...none, store: 'write', records: true, forwards: true },
    steps: [injectChaos, forwardUpstream],
  },
  smoke: {
    traits: { ...none, forwards: true, checksContract: true },
    steps: [injectChaos, forwardUpstream],
  },
  passthrough: {
    traits: { ...none, forwards: true },
    steps: [injectChaos, forwardUpstream],
  },
  mock: {
    traits: { ...none, fakes: true },
    steps: [injectChaos, answerMock],
  },
};
