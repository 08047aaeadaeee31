// LangChain JS, Anthropic: ChatAnthropic reads ANTHROPIC_BASE_URL, but ANTHROPIC_API_URL wins when both are set.
import { ChatAnthropic } from '@langchain/anthropic';

const model = new ChatAnthropic({ model: 'claude-3-5-haiku-latest' }); // apiKey from ANTHROPIC_API_KEY
const answer = await model.invoke('Say hello in one word.');
console.log(answer.content);
