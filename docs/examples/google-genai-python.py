# Google Gen AI SDK for Python (google-genai): reads GOOGLE_GEMINI_BASE_URL, as the Node one does.
from google import genai

client = genai.Client()  # base URL from GOOGLE_GEMINI_BASE_URL, api key from GEMINI_API_KEY
answer = client.models.generate_content(model="gemini-2.5-flash", contents="Say hello in one word.")
print(answer.text)
