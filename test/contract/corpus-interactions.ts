/** The corpus files as `Interaction`s (see corpusInteraction in ../helpers/corpus.ts), positions in index order. */
import type { Interaction } from '../../src/types.js';

import { corpusIndex, corpusInteraction } from '../helpers/corpus.js';

let cache: Map<string, Interaction> | undefined;

/** Every corpus file as an interaction, keyed by file name (`openai/chat-completions-basic.json`). */
function corpusInteractions(): Map<string, Interaction> {
  cache ??= new Map(corpusIndex().map((entry, i) => [entry.file, corpusInteraction(entry.file, i + 1)]));
  return cache;
}

/** A fresh (deep-copied) interaction of one corpus file. */
export function corpus(file: string): Interaction {
  const found = corpusInteractions().get(file);
  if (!found) throw new Error(`no corpus file ${file}`);
  return structuredClone(found);
}

/** Every corpus interaction, deep-copied. */
export function allCorpus(): Interaction[] {
  return [...corpusInteractions().values()].map((i) => structuredClone(i));
}
