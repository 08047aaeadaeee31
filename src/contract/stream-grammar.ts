import type { StreamGrammar } from './contract-types.js';
import type { StreamSummary } from './read-samples.js';
import { addRef } from './shape-node.js';

/** Interactions behind each aspect of an observed grammar. */
export interface GrammarRefs {
  streams: string[];
  events: Record<string, string[]>;
  first: Record<string, string[]>;
  terminators: Record<string, string[]>;
  comments: string[];
  firstEmpty: Record<string, string[]>;
  /** Streams that lacked an event type seen in earlier streams. */
  without: Record<string, string[]>;
}

export interface ObservedGrammar extends StreamGrammar {
  refs?: GrammarRefs;
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function listIn(map: Map<string, string[]>, key: string): string[] {
  let list = map.get(key);
  if (list === undefined) map.set(key, (list = []));
  return list;
}

/** Accumulates the event grammar of one streamed endpoint family, stream by stream. */
export class GrammarBuilder {
  private streams = 0;
  private commentStreams = 0;
  private usageStreams = 0;
  private readonly formats = new Map<string, number>();
  private readonly events = new Map<string, number>();
  private readonly first = new Map<string, number>();
  private readonly last = new Map<string, number>();
  private readonly terminators = new Map<string, number>();
  private readonly arrays = new Map<string, { seen: number; empty: number }>();
  private readonly refStreams: string[] = [];
  private readonly refEvents = new Map<string, string[]>();
  private readonly refFirst = new Map<string, string[]>();
  private readonly refTerminators = new Map<string, string[]>();
  private readonly refComments: string[] = [];
  private readonly refFirstEmpty = new Map<string, string[]>();
  private readonly refWithout = new Map<string, string[]>();

  /** Folds one stream; `ref` is set when evidence is kept (observed side). */
  add(summary: StreamSummary, usage: boolean, ref?: string): void {
    this.streams++;
    addRef(this.refStreams, ref);
    bump(this.formats, summary.format);
    const distinct = new Set(summary.events);
    if (ref !== undefined) {
      for (const name of this.events.keys()) if (!distinct.has(name)) addRef(listIn(this.refWithout, name), ref);
    }
    for (const name of distinct) {
      bump(this.events, name);
      addRef(listIn(this.refEvents, name), ref);
    }
    const first = summary.events[0];
    const last = summary.events[summary.events.length - 1];
    if (first !== undefined) {
      bump(this.first, first);
      addRef(listIn(this.refFirst, first), ref);
    }
    if (last !== undefined) bump(this.last, last);
    bump(this.terminators, summary.terminator);
    addRef(listIn(this.refTerminators, summary.terminator), ref);
    if (summary.comments > 0) {
      this.commentStreams++;
      addRef(this.refComments, ref);
    }
    if (usage) this.usageStreams++;
    for (const [path, empty] of Object.entries(summary.firstEventArrays)) {
      let counts = this.arrays.get(path);
      if (counts === undefined) this.arrays.set(path, (counts = { seen: 0, empty: 0 }));
      counts.seen++;
      if (empty) {
        counts.empty++;
        addRef(listIn(this.refFirstEmpty, path), ref);
      }
    }
  }

  /** The grammar so far, with evidence when `withRefs`. */
  finish(withRefs: boolean): ObservedGrammar {
    const grammar: ObservedGrammar = {
      streams: this.streams,
      formats: Object.fromEntries(this.formats),
      events: Object.fromEntries(this.events),
      first: Object.fromEntries(this.first),
      last: Object.fromEntries(this.last),
      terminators: Object.fromEntries(this.terminators),
      commentStreams: this.commentStreams,
      usageStreams: this.usageStreams,
      firstEventArrays: Object.fromEntries([...this.arrays].map(([k, v]) => [k, { ...v }])),
    };
    if (withRefs) {
      grammar.refs = {
        streams: this.refStreams,
        events: Object.fromEntries(this.refEvents),
        first: Object.fromEntries(this.refFirst),
        terminators: Object.fromEntries(this.refTerminators),
        comments: this.refComments,
        firstEmpty: Object.fromEntries(this.refFirstEmpty),
        without: Object.fromEntries(this.refWithout),
      };
    }
    return grammar;
  }
}
