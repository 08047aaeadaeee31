// OpenAI Agents SDK: its OpenAI client reads OPENAI_BASE_URL (set by `cassette run`). Its trace
// exporter posts to api.openai.com directly, past the proxy: turn tracing off (or set
// OPENAI_AGENTS_DISABLE_TRACING=1) so a replay makes no outside call.
import { Agent, run, setTracingDisabled } from '@openai/agents';

setTracingDisabled(true);
const agent = new Agent({ name: 'Greeter', instructions: 'Answer briefly.', model: 'gpt-4o' });
const result = await run(agent, 'Say hello in one word.');
console.log(result.finalOutput);
