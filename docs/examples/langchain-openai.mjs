// LangChain JS, OpenAI: ChatOpenAI reads OPENAI_BASE_URL, but OPENAI_API_BASE wins when both are set.
import { ChatOpenAI } from '@langchain/openai';

const model = new ChatOpenAI({ model: 'gpt-4o' }); // apiKey from OPENAI_API_KEY
const answer = await model.invoke('Say hello in one word.');
console.log(answer.content);
