// The corpus streams as the stream tests read them (see ../helpers/corpus.ts). Not a test file.
import { assembleEvents } from '../../src/providers/assemblers.js';
import type { AssemblerKind } from '../../src/stream/types.js';
import type { Assembled } from '../../src/types.js';

import { corpus, corpusIndex, corpusRaws, formatOf, routeOf } from '../helpers/corpus.js';
import type { CorpusInteraction } from '../helpers/corpus.js';

// The providers/ layer chooses the kind in the product; the corpus tests only need this much.
export function kindOf(file: CorpusInteraction): AssemblerKind {
  const { path } = routeOf(file);
  if (path.endsWith('/chat/completions')) return 'openai-chat';
  if (path.endsWith('/responses')) return 'openai-responses';
  if (path.endsWith('/messages')) return 'anthropic-messages';
  if (/:(stream)?generateContent$/i.test(path)) return 'gemini';
  if (path.startsWith('/api/chat') || path.startsWith('/api/generate')) return 'ollama';
  return 'generic';
}

/** The streaming 2xx interactions: the ones a framer and assembler must read. */
export function streamingFiles(): string[] {
  return corpusIndex()
    .filter((entry) => entry.streaming && entry.status === 200)
    .map((entry) => entry.file);
}

/** Assembles a corpus stream, optionally leaving some raw events out. */
export function assembleCorpusStream(file: string, keep: (raw: string) => boolean = () => true): Assembled {
  const recorded = corpus(file);
  return assembleEvents(kindOf(recorded), formatOf(recorded)!, corpusRaws(file).filter(keep));
}
