// An ordinary test: nothing in it knows about the proxy; the setup file routes and names episodes.
import OpenAI from 'openai';
import { expect, it } from 'vitest';

it('answers a one-word greeting', async () => {
  const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY ?? 'unused-in-golden' });
  const r = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content: 'Say hello in one word.' }],
  });
  expect(r.choices[0]?.message.content).toBeTruthy();
});
