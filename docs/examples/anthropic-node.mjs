// The official Anthropic SDK reads ANTHROPIC_BASE_URL (set by `cassette run`, printed by `cassette serve`).
import Anthropic from '@anthropic-ai/sdk';

const client = new Anthropic(); // baseURL from ANTHROPIC_BASE_URL, apiKey from ANTHROPIC_API_KEY
const answer = await client.messages.create({
  model: 'claude-3-5-haiku-latest',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'Say hello in one word.' }],
});
console.log(answer.content[0].text);
