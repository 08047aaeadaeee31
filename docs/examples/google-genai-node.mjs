// Google Gen AI SDK (@google/genai): reads GOOGLE_GEMINI_BASE_URL (set by `cassette run`).
import { GoogleGenAI } from '@google/genai';

const ai = new GoogleGenAI({}); // apiKey from GEMINI_API_KEY or GOOGLE_API_KEY
const answer = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Say hello in one word.' });
console.log(answer.text);
