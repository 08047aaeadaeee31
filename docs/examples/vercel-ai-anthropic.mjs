// Vercel AI SDK, Anthropic provider: @ai-sdk/anthropic reads ANTHROPIC_BASE_URL and appends
// `/messages` to it without `/v1`; the proxy routes `/anthropic/messages` to `/v1/messages`.
import { anthropic } from '@ai-sdk/anthropic';
import { streamText } from 'ai';

const result = streamText({
  model: anthropic('claude-3-5-haiku-latest'),
  maxOutputTokens: 64,
  prompt: 'Say hello in one word.',
});
for await (const piece of result.textStream) process.stdout.write(piece);
process.stdout.write('\n');
