# LiteLLM: pass the proxy's base URL per call (api_base); the provider prefix picks the wire.
import os

import litellm

answer = litellm.completion(
    model="openai/gpt-4o",
    api_base=os.environ["OPENAI_BASE_URL"],
    messages=[{"role": "user", "content": "Say hello in one word."}],
)
print(answer.choices[0].message.content)
