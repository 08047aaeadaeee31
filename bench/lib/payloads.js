// The bytes every benchmark serves: an OpenAI chat completion of ~2 KB and a 40-event SSE stream.
// Built once from the shared corpus (falling back to an equivalent built-in answer), so the bare
// server, the fake upstream and every proxy under test send exactly the same bytes.
import { existsSync, readFileSync } from 'node:fs';

const CORPUS =
  process.env.BENCH_CORPUS ?? new URL('../../test/fixtures/corpus/openai/chat-completions-basic.json', import.meta.url).pathname;
export const JSON_TARGET_BYTES = 2048;
export const SSE_EVENTS = 40;

function baseAnswer() {
  if (existsSync(CORPUS)) {
    try {
      return JSON.parse(JSON.parse(readFileSync(CORPUS, 'utf8')).response.body_text);
    } catch {
      /* fall through */
    }
  }
  return {
    id: 'chatcmpl-CRkJFgcA6BuMrBur38ZHUXgT6zRjg',
    object: 'chat.completion',
    created: 1760728905,
    model: 'gpt-4o-2024-08-06',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: '\\(4200 + 42 = 4242\\).',
          refusal: null,
          annotations: [],
        },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: 16,
      completion_tokens: 12,
      total_tokens: 28,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: {
        reasoning_tokens: 0,
        audio_tokens: 0,
        accepted_prediction_tokens: 0,
        rejected_prediction_tokens: 0,
      },
    },
    service_tier: 'default',
    system_fingerprint: 'fp_f64f290af2',
  };
}

const FILLER = ' The sum follows from adding the units to the thousands: 4200 has no units, so 42 is appended as it is, giving 4242.';

/** The corpus answer (pretty-printed as the provider sent it), its text padded to ~2 KB. */
export function jsonAnswer(target = JSON_TARGET_BYTES) {
  const answer = baseAnswer();
  const message = answer.choices[0].message;
  let text = JSON.stringify(answer, null, 2);
  while (Buffer.byteLength(text) < target) {
    const missing = target - Buffer.byteLength(text);
    message.content += FILLER.slice(0, Math.min(FILLER.length, missing));
    text = JSON.stringify(answer, null, 2);
  }
  return Buffer.from(text);
}

/** 39 `chat.completion.chunk` events and `data: [DONE]`: 40 events, each its own buffer. */
export function sseEvents(count = SSE_EVENTS) {
  const words = 'The sum of 4200 and 42 is 4242 because adding the units to the thousands leaves them untouched and so on'.split(' ');
  const base = {
    id: 'chatcmpl-CoDWl5rS0pF10P0W0TDVgY3NA26dk',
    object: 'chat.completion.chunk',
    created: 1766084435,
    model: 'gpt-4o-2024-08-06',
    service_tier: 'default',
    system_fingerprint: 'fp_deacdd5f6f',
  };
  const events = [];
  const chunks = count - 1;
  for (let i = 0; i < chunks; i++) {
    let choice;
    if (i === 0)
      choice = {
        index: 0,
        delta: { role: 'assistant', content: '', refusal: null },
        logprobs: null,
        finish_reason: null,
      };
    else if (i === chunks - 1) choice = { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' };
    else
      choice = {
        index: 0,
        delta: { content: (i > 1 ? ' ' : '') + words[(i - 1) % words.length] },
        logprobs: null,
        finish_reason: null,
      };
    const usage =
      i === chunks - 1
        ? {
            prompt_tokens: 16,
            completion_tokens: chunks - 2,
            total_tokens: 16 + chunks - 2,
          }
        : null;
    events.push(Buffer.from(`data: ${JSON.stringify({ ...base, choices: [choice], usage })}\n\n`));
  }
  events.push(Buffer.from('data: [DONE]\n\n'));
  return events;
}

/** A chat request body; `[<id>]` (autocannon's idReplacement) or a counter makes each one unique. */
export function requestBody({ stream = false, prompt = 'What is 4200 + 42?' } = {}) {
  return JSON.stringify({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: prompt }],
    ...(stream ? { stream: true } : {}),
  });
}

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
};
export const JSON_HEADERS = { 'content-type': 'application/json' };
