// Modes as a pipeline (issue 12 item 2): src/pipeline/mode-table.ts is the one place that tells
// modes apart. These checks keep its rows consistent with the traits the runtimes are built from:
// a mode never runs a step its runtime has no part for, and every request ends in an answer.
import { describe, expect, it } from 'vitest';
import { answerMiss } from '../../src/pipeline/answer-miss.js';
import { answerMock } from '../../src/pipeline/answer-mock.js';
import { forwardUpstream } from '../../src/pipeline/forward-upstream.js';
import { injectChaos } from '../../src/pipeline/inject-chaos.js';
import { matchRequest } from '../../src/pipeline/match-request.js';
import { MODE_TABLE } from '../../src/pipeline/mode-table.js';
import { recordOnce } from '../../src/pipeline/record-once.js';
import { replayRecorded } from '../../src/pipeline/replay-recorded.js';
import { MODES } from '../../src/types.js';

describe('the mode table', () => {
  it('has one row per mode, and nothing else', () => {
    expect(Object.keys(MODE_TABLE).sort()).toEqual([...MODES].sort());
  });

  it.each(MODES)('%s: chaos first, and the last step always answers', (mode) => {
    const { steps } = MODE_TABLE[mode];
    expect(steps[0]).toBe(injectChaos);
    expect([answerMiss, answerMock, forwardUpstream]).toContain(steps.at(-1));
  });

  it.each(MODES)('%s: its steps use only the parts its traits give the runtime', (mode) => {
    const { steps, traits } = MODE_TABLE[mode];
    expect(steps.includes(forwardUpstream)).toBe(traits.forwards);
    expect(steps.includes(replayRecorded)).toBe(traits.replays);
    expect(steps.includes(answerMiss)).toBe(traits.replays && !traits.forwards);
    expect(steps.includes(answerMock)).toBe(traits.fakes);
    expect(steps.includes(recordOnce)).toBe(traits.sharesMisses);
    // A step that reads the key comes after the one that computes it.
    for (const needsKey of [replayRecorded, answerMiss, recordOnce])
      if (steps.includes(needsKey)) expect(steps.indexOf(matchRequest)).toBeLessThan(steps.indexOf(needsKey));
    // Only a mode that writes takes records; a reading mode opens the store read-only.
    expect(traits.records).toBe(traits.store === 'write');
    // Continuing the newest take is a way of recording, the one that replays what it recorded.
    if (traits.continuesTakes) expect(traits.records && traits.replays).toBe(true);
    if (traits.replays) expect(traits.store).not.toBe('none');
  });
});
