# The official Anthropic SDK for Python reads ANTHROPIC_BASE_URL, as the Node one does.
from anthropic import Anthropic

client = Anthropic()  # base_url from ANTHROPIC_BASE_URL, api_key from ANTHROPIC_API_KEY
answer = client.messages.create(
    model="claude-3-5-haiku-latest",
    max_tokens=64,
    messages=[{"role": "user", "content": "Say hello in one word."}],
)
print(answer.content[0].text)
