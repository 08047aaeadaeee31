// Systems under test as separate programs, each using a provider SDK's own WebSocket client with
// nothing but its base URL pointed at the proxy. Each prints one JSON line: the events it saw and
// how the socket closed.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const esm = (id: string): string => pathToFileURL(require.resolve(id).replace(/\.js$/, '.mjs')).href;

/** The `openai` SDK's Realtime client (OpenAIRealtimeWS): always dials wss:, so the proxy runs with --tls. */
export function writeOpenAIRealtimeChild(dir: string): string {
  const path = join(dir, 'openai-realtime.mjs');
  writeFileSync(
    path,
    `import OpenAI from ${JSON.stringify(esm('openai'))};
import { OpenAIRealtimeWS } from ${JSON.stringify(esm('openai/realtime/ws'))};
const toolOutput = process.env.TOOL_OUTPUT ?? '{"temperature_c":21,"sky":"sunny"}';
const client = new OpenAI();
const rt = new OpenAIRealtimeWS({ model: 'gpt-realtime' }, client);
const events = [];
let responses = 0;
rt.on('error', (err) => events.push({ sdkError: err.message }));
rt.on('event', (event) => {
  events.push(event);
  if (event.type === 'session.created') {
    rt.send({ type: 'session.update', session: { type: 'realtime', instructions: 'You answer weather questions.',
      tools: [{ type: 'function', name: 'get_weather', description: 'Current weather for a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }] } });
    rt.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What is the weather in Paris?' }] } });
    rt.send({ type: 'response.create' });
  } else if (event.type === 'response.done') {
    responses++;
    const call = event.response.output.find((o) => o.type === 'function_call');
    if (call) {
      rt.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: call.call_id, output: toolOutput } });
      rt.send({ type: 'response.create' });
    } else if (responses >= 2) rt.close({ code: 1000, reason: 'done' });
  }
});
rt.socket.on('close', (code, reason) => {
  console.log(JSON.stringify({ events, close: { code, reason: reason.toString() } }));
});
`,
  );
  return path;
}

export interface ChildResult {
  events: any[];
  close: { code: number; reason: string };
  stderr: string;
}

/** Runs a child program; its last stdout line is its JSON result. */
export function runChild(path: string, env: NodeJS.ProcessEnv): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path], { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      const line = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve({ ...(JSON.parse(line) as Omit<ChildResult, 'stderr'>), stderr });
      } catch {
        reject(new Error(`child failed (${err?.message ?? 'no result'}): ${stderr}\n${stdout}`));
      }
    });
  });
}
