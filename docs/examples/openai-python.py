# The official OpenAI SDK for Python reads OPENAI_BASE_URL, as the Node one does.
from openai import OpenAI

client = OpenAI()  # base_url from OPENAI_BASE_URL, api_key from OPENAI_API_KEY
stream = client.chat.completions.create(
    model="gpt-4o",
    messages=[{"role": "user", "content": "Say hello in one word."}],
    stream=True,
)
for chunk in stream:
    if chunk.choices and chunk.choices[0].delta.content:
        print(chunk.choices[0].delta.content, end="", flush=True)
print()
