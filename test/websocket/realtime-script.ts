// A Realtime client written against `ws` alone: it drives the tool-calling fixture session the way
// an application would, and returns every event it saw and how the socket closed.
import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';

export interface ScriptResult {
  events: any[];
  close: { code: number; reason: string };
}

export const PLANTED_KEY = 'sk-proj-PLANTEDsubprotocolKEY0123456789abcdef';
export const PLANTED_HEADER_KEY = 'sk-proj-PLANTEDheaderKEY0123456789abcdefgh';

/** Runs the weather tool-call conversation; `toolOutput` is what the client answers the call with. */
export async function runRealtimeScript(url: string, toolOutput = '{"temperature_c":21,"sky":"sunny"}'): Promise<ScriptResult> {
  const ws = new WebSocket(url, ['realtime', `openai-insecure-api-key.${PLANTED_KEY}`], {
    headers: { authorization: `Bearer ${PLANTED_HEADER_KEY}` },
  });
  const events: any[] = [];
  const send = (event: Record<string, unknown>): void => ws.send(JSON.stringify({ event_id: `evt_${randomUUID()}`, ...event }));
  let responses = 0;
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('close', (code, reason) => resolve({ events, close: { code, reason: reason.toString() } }));
    ws.on('message', (data) => {
      const event = JSON.parse(data.toString());
      events.push(event);
      if (event.type === 'session.created') {
        send({
          type: 'session.update',
          session: {
            type: 'realtime',
            instructions: 'You answer weather questions.',
            tools: [
              {
                type: 'function',
                name: 'get_weather',
                description: 'Current weather for a city',
                parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
              },
            ],
          },
        });
        send({
          type: 'conversation.item.create',
          item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'What is the weather in Paris?' }] },
        });
        send({ type: 'response.create' });
      } else if (event.type === 'response.done') {
        responses++;
        const call = event.response.output.find((o: any) => o.type === 'function_call');
        if (call) {
          send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: call.call_id, output: toolOutput } });
          send({ type: 'response.create' });
        } else if (responses >= 2) ws.close(1000, 'done');
      } else if (event.type === 'error') {
        // Keep listening: the proxy closes after a miss.
      }
    });
  });
}
