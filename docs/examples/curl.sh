# curl: the URL is the base URL plus the provider's own path (`cassette run` sets OPENAI_BASE_URL).
curl -sS --fail-with-body --compressed "$OPENAI_BASE_URL/chat/completions" \
  -H "Authorization: Bearer $OPENAI_API_KEY" \
  -H 'Content-Type: application/json' \
  -d '{"model": "gpt-4o", "messages": [{"role": "user", "content": "Say hello in one word."}]}'
