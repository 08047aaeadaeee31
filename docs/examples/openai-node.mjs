// The official OpenAI SDK reads OPENAI_BASE_URL: `cassette run` sets it for its child, `cassette
// serve` prints it to export. Nothing in the code names the proxy.
import OpenAI from 'openai';

const client = new OpenAI(); // baseURL from OPENAI_BASE_URL, apiKey from OPENAI_API_KEY
const answer = await client.chat.completions.create({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say hello in one word.' }],
});
console.log(answer.choices[0].message.content);
