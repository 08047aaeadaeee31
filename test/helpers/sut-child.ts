// A system under test as a separate program: a temp .mjs file that imports the real `openai` SDK
// (its base URL comes from OPENAI_BASE_URL, as `cassette run` / `cassette replay` set it), and
// hand-written chat answers for a fake upstream whose reply depends on the request.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { corpus, responseJson } from './corpus.js';
import { sendJson } from './fake-upstream.js';
import type { Handler, ReceivedRequest } from './fake-upstream.js';

/** `import OpenAI from <this>` works from a .mjs file anywhere on disk. */
export const OPENAI_ENTRY = pathToFileURL(
  createRequire(import.meta.url)
    .resolve('openai')
    .replace(/index\.js$/, 'index.mjs'),
).href;

/**
 * Writes a child program that asks one chat question per argv entry, in order, with the real
 * openai SDK (apiKey 'sk-test', no retries, model from CHILD_MODEL or gpt-4o). Everything it says
 * goes to stderr, so a `--json` command's stdout stays one JSON document. Exits 0 even when a
 * call fails: the tests assert what the proxy made of the calls, not the child's code.
 */
export function writeOpenAIChild(dir: string, name = 'child.mjs'): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `import OpenAI from ${JSON.stringify(OPENAI_ENTRY)};
const client = new OpenAI({ apiKey: 'sk-test', maxRetries: 0 });
console.error('CHILD EPISODE ' + (process.env.CASSETTE_EPISODE ?? '') + ' ' + process.env.OPENAI_BASE_URL);
for (const prompt of process.argv.slice(2)) {
  try {
    const r = await client.chat.completions.create({ model: process.env.CHILD_MODEL ?? 'gpt-4o', messages: [{ role: 'user', content: prompt }] });
    console.error('CHILD ANSWER ' + r.choices[0].message.content);
  } catch (e) {
    console.error('CHILD ERROR ' + e.status + ' ' + e.message);
  }
}
`,
  );
  return path;
}

export interface ChatAnswerOptions {
  content?: string | null;
  finishReason?: string;
  model?: string;
  toolCalls?: { name: string; arguments: string }[];
  usage?: { prompt_tokens: number; completion_tokens: number };
}

/** A real OpenAI chat.completion body (the corpus one) with the given content and finish reason. */
export function chatCompletion(o: ChatAnswerOptions = {}): any {
  const body = responseJson(corpus('openai/chat-completions-basic.json'));
  const choice = body.choices[0];
  if (o.content !== undefined) choice.message.content = o.content;
  if (o.finishReason) choice.finish_reason = o.finishReason;
  if (o.model) body.model = o.model;
  if (o.toolCalls) {
    choice.message.tool_calls = o.toolCalls.map((t, n) => ({ id: `call_${n}`, type: 'function', function: t }));
    choice.message.content = null;
  }
  if (o.usage) body.usage = { ...body.usage, ...o.usage, total_tokens: o.usage.prompt_tokens + o.usage.completion_tokens };
  return body;
}

/** The text of the last user message of a chat request the fake upstream received. */
export function lastUserText(req: ReceivedRequest): string {
  const messages: { role: string; content: unknown }[] = req.json?.messages ?? [];
  const last = [...messages].reverse().find((m) => m.role === 'user');
  return typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '');
}

/** A fake-upstream handler answering every chat request with `answer(request)`. */
export function chatHandler(answer: (req: ReceivedRequest) => ChatAnswerOptions): Handler {
  return (req, res) => sendJson(res, 200, chatCompletion(answer(req)));
}
