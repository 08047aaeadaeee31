// Vercel AI SDK, Google provider: @ai-sdk/google reads no base-URL variable, so pass it in code.
// GOOGLE_GEMINI_BASE_URL is set by `cassette run`; unset, the SDK's own default is used.
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { generateText } from 'ai';

const google = createGoogleGenerativeAI({ baseURL: process.env.GOOGLE_GEMINI_BASE_URL }); // apiKey from GOOGLE_GENERATIVE_AI_API_KEY
const { text } = await generateText({ model: google('gemini-2.5-flash'), prompt: 'Say hello in one word.' });
console.log(text);
