// A minimal system under test: one chat completion through whatever OPENAI_BASE_URL points at.
const res = await fetch(`${process.env.OPENAI_BASE_URL}/chat/completions`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${process.env.OPENAI_API_KEY ?? 'none'}` },
  body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello in one word.' }] }),
});
console.log(res.status, await res.text());
process.exitCode = res.ok ? 0 : 1;
