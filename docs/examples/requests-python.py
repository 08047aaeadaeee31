# requests, no SDK: Anthropic's Messages API under ANTHROPIC_BASE_URL (set by `cassette run`).
import os

import requests

answer = requests.post(
    f"{os.environ['ANTHROPIC_BASE_URL']}/v1/messages",
    headers={"x-api-key": os.environ["ANTHROPIC_API_KEY"], "anthropic-version": "2023-06-01"},
    json={
        "model": "claude-3-5-haiku-latest",
        "max_tokens": 64,
        "messages": [{"role": "user", "content": "Say hello in one word."}],
    },
    timeout=60,
)
answer.raise_for_status()
print(answer.json()["content"][0]["text"])
