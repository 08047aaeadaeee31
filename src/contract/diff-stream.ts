import { finding, type FindingScope } from './classify-finding.js';
import type { Finding, StreamGrammar } from './contract-types.js';
import { textEvidence, valuesEvidence } from './evidence.js';
import type { ObservedGrammar } from './stream-grammar.js';

/** Endings that are not an explicit terminator: the stream just closed. */
const IMPLICIT_ENDS = new Set(['close', 'finishReason']);

/** Compares the event grammar of a streamed endpoint family with its baseline. */
export function diffStream(baseline: StreamGrammar, observed: ObservedGrammar, scope: FindingScope): Finding[] {
  const out: Finding[] = [];
  const refs = observed.refs;
  const n = observed.streams;
  if (n === 0 || baseline.streams === 0) return out;

  for (const [event, count] of Object.entries(observed.events)) {
    if ((baseline.events[event] ?? 0) > 0) continue;
    out.push(
      finding(
        'stream-event-new',
        scope,
        `event:${event}`,
        `New stream event type ${event}`,
        valuesEvidence('event types', baseline.events, baseline.streams),
        textEvidence(`in ${count}/${n} streams`, n),
        refs?.events[event] ?? [],
      ),
    );
  }
  for (const [event, count] of Object.entries(baseline.events)) {
    if (count !== baseline.streams) continue;
    const seen = observed.events[event] ?? 0;
    const baselineEvidence = textEvidence(`in ${count}/${baseline.streams} streams`, baseline.streams);
    if (seen === 0) {
      out.push(
        finding(
          'stream-event-gone',
          scope,
          `event:${event}`,
          `Stream event ${event}, in every stream before, is no longer seen`,
          baselineEvidence,
          textEvidence(`in 0/${n} streams`, n),
          refs?.streams ?? [],
        ),
      );
    } else if (seen < n) {
      out.push(
        finding(
          'stream-event-now-optional',
          scope,
          `event:${event}`,
          `Stream event ${event}, in every stream before, is now only in some`,
          baselineEvidence,
          textEvidence(`in ${seen}/${n} streams`, n),
          refs?.without[event] ?? [],
        ),
      );
    }
  }

  const newTerminators = Object.keys(observed.terminators).filter((t) => (baseline.terminators[t] ?? 0) === 0);
  for (const t of newTerminators) {
    const explicitBefore = Object.keys(baseline.terminators).some((b) => !IMPLICIT_ENDS.has(b));
    const missing = IMPLICIT_ENDS.has(t) && (explicitBefore || t === 'close');
    const check = missing ? 'stream-terminator-missing' : 'stream-terminator-changed';
    const message = missing ? `Stream ends without its terminator (${t})` : `Stream terminator changed to ${t}`;
    out.push(
      finding(
        check,
        scope,
        'terminator',
        message,
        valuesEvidence('terminators', baseline.terminators, baseline.streams),
        valuesEvidence('terminators', observed.terminators, n),
        refs?.terminators[t] ?? [],
      ),
    );
  }

  const newFirst = Object.keys(observed.first).filter((e) => (baseline.first[e] ?? 0) === 0);
  if (newFirst.length > 0) {
    const firstRefs = newFirst.flatMap((e) => refs?.first[e] ?? []).slice(0, 5);
    out.push(
      finding(
        'stream-first-event-changed',
        scope,
        'first-event',
        `Streams now begin with ${newFirst.join(', ')}`,
        valuesEvidence('first events', baseline.first, baseline.streams),
        valuesEvidence('first events', observed.first, n),
        firstRefs,
      ),
    );
  }

  for (const [path, counts] of Object.entries(observed.firstEventArrays)) {
    const before = baseline.firstEventArrays[path];
    if (counts.empty === 0 || before === undefined || before.seen === 0 || before.empty > 0) continue;
    out.push(
      finding(
        'stream-first-event-empty-array',
        scope,
        path,
        `${path} is empty in the first event of the stream`,
        textEvidence(`never empty in ${before.seen} first events`, before.seen),
        textEvidence(`empty in ${counts.empty}/${counts.seen} first events`, counts.seen),
        refs?.firstEmpty[path] ?? [],
      ),
    );
  }

  if (baseline.commentStreams === 0 && observed.commentStreams > 0) {
    out.push(
      finding(
        'stream-comments-new',
        scope,
        'comments',
        'Streams now carry SSE comment lines',
        textEvidence(`in 0/${baseline.streams} streams`, baseline.streams),
        textEvidence(`in ${observed.commentStreams}/${n} streams`, n),
        refs?.comments ?? [],
      ),
    );
  }
  return out;
}
