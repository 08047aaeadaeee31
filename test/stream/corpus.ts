// Shared access to the recorded provider traffic corpus (see its README.md). Not a test file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assembleEvents } from '../../src/stream/assemblers/create-assembler.js';
import { createFramer } from '../../src/stream/create-framer.js';
import { detectStreamFormat } from '../../src/stream/detect-stream-format.js';
import type { AssemblerKind, StreamFormat } from '../../src/stream/types.js';
import type { Assembled } from '../../src/types.js';

import { CORPUS_DIR } from '../helpers/corpus.js';

export { CORPUS_DIR };
export const hasCorpus = existsSync(join(CORPUS_DIR, 'index.json'));

export interface CorpusIndexEntry {
  file: string;
  provider: string;
  endpoint: string;
  streaming: boolean;
  status: number;
  content_type: string;
}

export interface CorpusFile {
  request: { method: string; url: string; body?: unknown };
  response: {
    status: number;
    headers: Record<string, string[]>;
    body?: unknown;
    body_text?: string;
  };
}

export function corpusIndex(): CorpusIndexEntry[] {
  if (!hasCorpus) return [];
  return JSON.parse(readFileSync(join(CORPUS_DIR, 'index.json'), 'utf8')) as CorpusIndexEntry[];
}

export function loadCorpus(file: string): CorpusFile {
  return JSON.parse(readFileSync(join(CORPUS_DIR, file), 'utf8')) as CorpusFile;
}

export function contentTypeOf(file: CorpusFile): string | undefined {
  const entry = Object.entries(file.response.headers).find(([name]) => name.toLowerCase() === 'content-type');
  return entry?.[1][0];
}

export function routeOf(file: CorpusFile): { path: string; query: string } {
  const url = new URL(file.request.url);
  return { path: decodeURIComponent(url.pathname), query: url.search.slice(1) };
}

export function formatOf(file: CorpusFile): StreamFormat | undefined {
  const { path, query } = routeOf(file);
  return detectStreamFormat(contentTypeOf(file), path, query);
}

// The providers/ layer chooses the kind in the product; the corpus tests only need this much.
export function kindOf(file: CorpusFile): AssemblerKind {
  const { path } = routeOf(file);
  if (path.endsWith('/chat/completions')) return 'openai-chat';
  if (path.endsWith('/responses')) return 'openai-responses';
  if (path.endsWith('/messages')) return 'anthropic-messages';
  if (/:(stream)?generateContent$/i.test(path)) return 'gemini';
  if (path.startsWith('/api/chat') || path.startsWith('/api/generate')) return 'ollama';
  return 'generic';
}

/** Body text exactly as decoded (JSON bodies stored parsed only are re-serialized). */
export function bodyTextOf(file: CorpusFile): string {
  return file.response.body_text ?? JSON.stringify(file.response.body);
}

/** The streaming 2xx interactions: the ones a framer and assembler must read. */
export function streamingFiles(): string[] {
  return corpusIndex()
    .filter((entry) => entry.streaming && entry.status === 200)
    .map((entry) => entry.file);
}

/** A corpus stream framed in one piece into its raw events. */
export function corpusRaws(file: string): string[] {
  const recorded = loadCorpus(file);
  const format = formatOf(recorded);
  if (format === undefined) throw new Error(`${file}: not detected as a stream`);
  const framer = createFramer(format);
  return [...framer.push(bodyTextOf(recorded)), ...framer.end()];
}

/** Assembles a corpus stream, optionally leaving some raw events out. */
export function assembleCorpusStream(file: string, keep: (raw: string) => boolean = () => true): Assembled {
  const recorded = loadCorpus(file);
  return assembleEvents(kindOf(recorded), formatOf(recorded)!, corpusRaws(file).filter(keep));
}
