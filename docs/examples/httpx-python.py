# httpx, no SDK: the URL is the base URL plus the provider's own path (`cassette run` sets OPENAI_BASE_URL).
import os

import httpx

answer = httpx.post(
    f"{os.environ['OPENAI_BASE_URL']}/chat/completions",
    headers={"Authorization": f"Bearer {os.environ['OPENAI_API_KEY']}"},
    json={"model": "gpt-4o", "messages": [{"role": "user", "content": "Say hello in one word."}]},
    timeout=60,
)
answer.raise_for_status()
print(answer.json()["choices"][0]["message"]["content"])
