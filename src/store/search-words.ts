import { lastUserText } from '../match/message-text.js';
import type { Interaction } from '../types.js';

/**
 * The words the episode search finds (docs/ui.md "Search"): every store splits text into words
 * here, so SQLite's FTS5 index, PostgreSQL's tsvector and the in-memory search of the directory
 * store agree word for word.
 *
 * A word is a run of letters and digits (Unicode), lower-cased. Of each interaction, the last user
 * prompt and the answer are read whole up to TEXT_CHARS characters each: every turn of a
 * conversation is the last prompt of one call, so a take's prompts are all covered without indexing
 * the growing history again with every call.
 */

/** Characters read of one prompt and of one answer (a huge generated answer costs no more). */
export const TEXT_CHARS = 64 * 1024;
/** Longer runs are not words a person types (base64, hashes, unsegmented scripts) and are skipped. */
export const MAX_WORD = 64;
/** A prefix query (`refun*`) needs this many characters: shorter ones would merge most of the index. */
export const MIN_PREFIX = 3;

const WORD = /[\p{L}\p{N}]+/gu;

/** The distinct words of a text, in first-seen order. */
export function wordsOf(text: string, into: Set<string> = new Set()): Set<string> {
  for (const [w] of text.toLowerCase().matchAll(WORD)) if (w.length <= MAX_WORD) into.add(w);
  return into;
}

/** The distinct words of an interaction's last prompt and answer (what its row of the search index holds). */
export function interactionWords(i: Interaction): Set<string> {
  const { prompt, answer } = wordTexts(i);
  return textWords(prompt, answer);
}

/**
 * The two texts an interaction's words are read from (each cut to TEXT_CHARS): what the SQLite
 * writer thread is handed, so it splits them into words off the event loop (`textWords`).
 */
export function wordTexts(i: Interaction): { prompt: string; answer: string } {
  const body = i.request.body.kind === 'json' ? i.request.body.json : undefined;
  return { prompt: (lastUserText(body) ?? '').slice(0, TEXT_CHARS), answer: (i.assembled?.text ?? '').slice(0, TEXT_CHARS) };
}

/** The distinct words of a prompt and an answer (`wordTexts`). */
export function textWords(prompt: string, answer: string): Set<string> {
  return wordsOf(answer, wordsOf(prompt));
}

/**
 * One word of a query: matches when it is part of the episode id, a model or a provider name
 * (`raw`, a substring test), or when each of its `words` is a word of the episode's prompts and
 * answers (`gpt-4o` → `gpt`, `4o`). A trailing `*` makes the last word a prefix.
 */
export interface SearchTerm {
  raw: string;
  words: { word: string; prefix: boolean }[];
}

export function searchTerms(q: string | undefined): SearchTerm[] {
  return (q ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .map((raw) => {
      const list = [...wordsOf(raw)];
      const prefix = raw.endsWith('*');
      return {
        raw: prefix ? raw.slice(0, -1) : raw,
        words: list.map((word, n) => ({ word, prefix: prefix && n === list.length - 1 && word.length >= MIN_PREFIX })),
      };
    })
    .filter((t) => t.raw !== '');
}

/** Whether a set of words has a word (or, for a prefix, one starting with it). */
export function hasWord(words: ReadonlySet<string>, { word, prefix }: SearchTerm['words'][number]): boolean {
  if (!prefix) return words.has(word);
  for (const w of words) if (w.startsWith(word)) return true;
  return false;
}

/** An FTS5 query for one word: quoted, so it is never read as an operator. */
export function fts5Query({ word, prefix }: SearchTerm['words'][number]): string {
  return `"${word}"${prefix ? '*' : ''}`;
}

/** A PostgreSQL tsquery literal for one word (words hold only letters and digits: nothing to escape). */
export function tsQuery({ word, prefix }: SearchTerm['words'][number]): string {
  return `'${word}'${prefix ? ':*' : ''}`;
}
