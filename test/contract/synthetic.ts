/** Synthetic interactions in the shapes of the corpus, for volume tests. */
import type { Interaction } from '../../src/types.js';
import { corpus } from './corpus-interactions.js';
import { revolatilize, rng } from './mutate.js';

const TEMPLATES = [
  'openai/chat-completions-basic.json',
  'openai/chat-completions-stream-include-usage.json',
  'anthropic/messages-basic.json',
  'anthropic/messages-stream-basic.json',
  'gemini/stream-generate-content-sse-basic.json',
  'openai/responses-basic.json',
];

/** `count` interactions cycling over a few corpus shapes, each with its own key and volatile values. */
export function* syntheticInteractions(count: number, take = 1): Generator<Interaction> {
  const templates = TEMPLATES.map((f) => corpus(f));
  const next = rng(42);
  for (let n = 0; n < count; n++) {
    const t = templates[n % templates.length]!;
    const i: Interaction = { ...t, episode: `ep${Math.floor(n / 50)}`, take, position: (n % 50) + 1, key: `k${n}` };
    if (t.response.body?.kind === 'json' && n % 7 === 0) {
      i.response = { ...t.response, body: { kind: 'json', json: revolatilize(structuredClone(t.response.body.json), next) } };
    }
    yield i;
  }
}
