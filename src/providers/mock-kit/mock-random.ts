import type { Rng } from '../../util/seeded-random.js';

export { BASE62, HEX, createRng, hashHex, rngFromHash } from '../../util/seeded-random.js';
export type { Rng } from '../../util/seeded-random.js';

const WORDS = [
  'able',
  'answer',
  'apple',
  'around',
  'balance',
  'basic',
  'bright',
  'build',
  'calm',
  'careful',
  'cassette',
  'center',
  'clear',
  'cloud',
  'common',
  'current',
  'detail',
  'direct',
  'early',
  'easy',
  'echo',
  'edge',
  'every',
  'example',
  'fair',
  'field',
  'final',
  'first',
  'focus',
  'forward',
  'gentle',
  'given',
  'good',
  'green',
  'guide',
  'handle',
  'harbor',
  'honest',
  'idea',
  'input',
  'kind',
  'known',
  'large',
  'later',
  'level',
  'light',
  'likely',
  'local',
  'market',
  'method',
  'mock',
  'model',
  'moment',
  'narrow',
  'natural',
  'near',
  'note',
  'number',
  'often',
  'open',
  'order',
  'output',
  'paper',
  'pattern',
  'plain',
  'point',
  'quiet',
  'ready',
  'record',
  'replay',
  'result',
  'river',
  'round',
  'sample',
  'second',
  'signal',
  'simple',
  'small',
  'steady',
  'stone',
  'stream',
  'strong',
  'summary',
  'table',
  'thought',
  'token',
  'travel',
  'true',
  'useful',
  'value',
  'verse',
  'visible',
  'water',
  'whole',
  'window',
  'winter',
  'wonder',
  'yellow',
  'young',
  'zone',
] as const;

/** `count` filler words. */
export function fillerWords(rng: Rng, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(rng.pick(WORDS));
  return out;
}

/** One capitalized sentence of filler words ending in a full stop. */
export function fillerSentence(rng: Rng, minWords = 6, maxWords = 14): string {
  const text = fillerWords(rng, rng.int(minWords, maxWords)).join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/**
 * The assistant text of a mock answer: it quotes the start of the prompt so a test can see which
 * request produced it, then adds filler so the length varies with the seed.
 */
export function mockReplyText(rng: Rng, prompt: string): string {
  const words = prompt.split(/\s+/).filter((w) => w.length > 0);
  // Capped so a prompt made of one huge token (a pasted blob) cannot balloon the answer.
  const echo = words.slice(0, 8).join(' ').slice(0, 80);
  const more = words.length > 8 || echo.length === 80;
  const lead = echo.length > 0 ? `Mock reply to "${echo}${more ? ' ...' : ''}".` : 'Mock reply.';
  const sentences = [lead];
  const n = rng.int(1, 3);
  for (let i = 0; i < n; i++) sentences.push(fillerSentence(rng));
  return sentences.join(' ');
}

/** Token estimate the way providers' rules of thumb go: about four characters a token. */
export function estimateTokens(chars: number): number {
  return Math.max(1, Math.ceil(chars / 4));
}

/** Splits text into word-group deltas whose concatenation is exactly the text. */
export function splitWords(rng: Rng, text: string): string[] {
  const pieces = text.match(/\s*\S+/g) ?? [];
  const out: string[] = [];
  let i = 0;
  while (i < pieces.length) {
    const take = rng.int(1, 3);
    out.push(pieces.slice(i, i + take).join(''));
    i += take;
  }
  const joined = out.join('');
  if (joined !== text) out.push(text.slice(joined.length));
  return out.filter((p) => p.length > 0);
}

/** Splits a string into fragments of a few characters (how providers stream tool arguments). */
export function splitChars(rng: Rng, text: string, min = 3, max = 12): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    const take = rng.int(min, max);
    out.push(text.slice(i, i + take));
    i += take;
  }
  return out;
}

/** Cuts text to about `maxTokens` tokens, at a word boundary when there is one. */
export function truncateToTokens(text: string, maxTokens: number): string {
  const limit = Math.max(1, maxTokens * 4);
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  const space = cut.lastIndexOf(' ');
  return space > 0 ? cut.slice(0, space) : cut;
}
