import type { Store } from '../store/store.js';
import type { RecordedRequest } from '../types.js';
import { collectStrings, normalizeText } from './text-fragments.js';

/** A file given to `cassette impact` and the text pieces looked for. */
export interface ImpactSource {
  file: string;
  fragments: string[];
}

export interface FileImpact {
  file: string;
  /** Pieces of the file long enough to look for. */
  fragments: number;
  /** Episodes whose served take has a request containing at least one piece, sorted. */
  episodes: string[];
}

/**
 * The episodes each file feeds: those whose served take (the one golden replays) has a request
 * whose body contains a piece of the file's text. Strings inside JSON bodies are searched as the
 * SDK sent them (escapes undone), whitespace-normalized like the pieces.
 */
export async function findImpact(store: Store, sources: readonly ImpactSource[]): Promise<FileImpact[]> {
  const hits = sources.map(() => new Set<string>());
  for await (const i of store.interactions({ newestTakeOnly: true, includeIncomplete: true })) {
    const haystack = requestText(i.request);
    sources.forEach((s, n) => {
      if (!hits[n]?.has(i.episode) && s.fragments.some((f) => haystack.includes(f))) hits[n]?.add(i.episode);
    });
  }
  return sources.map((s, n) => ({ file: s.file, fragments: s.fragments.length, episodes: [...(hits[n] ?? [])].sort() }));
}

function requestText(request: RecordedRequest): string {
  const body = request.body;
  const strings: string[] = [];
  if (body.kind === 'json') collectStrings(body.json, strings);
  else if (body.kind === 'text') strings.push(body.text);
  for (const [, v] of request.query) strings.push(v);
  return strings.map(normalizeText).join('\n');
}
