// Vercel AI SDK, OpenAI provider: @ai-sdk/openai reads OPENAI_BASE_URL (set by `cassette run`).
import { openai } from '@ai-sdk/openai';
import { generateText } from 'ai';

// openai(model) speaks the Responses API (POST /responses); openai.chat(model) speaks Chat Completions.
const { text } = await generateText({ model: openai('gpt-4o'), prompt: 'Say hello in one word.' });
console.log(text);
