// A fake OpenAI-style upstream for fleet tests: counts requests per prompt and puts a serial number
// in every answer, so two upstream calls for one prompt can never look like one. Answers after
// `delayMs` (the window in which identical calls from many proxies overlap; prompts starting with
// `slow:` wait `slowMs`); `stream: true` gets a short SSE stream.
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { defer } from '../helpers/cleanup.js';

export interface CountingUpstream {
  readonly url: string;
  /** Requests received per prompt. */
  readonly counts: Map<string, number>;
  readonly total: number;
  stop(): Promise<void>;
}

export async function startCountingUpstream(opts: { delayMs?: number; slowMs?: number } = {}): Promise<CountingUpstream> {
  const delayMs = opts.delayMs ?? 300;
  const slowMs = opts.slowMs ?? 3_000;
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  let total = 0;
  let serial = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      total++;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { stream?: boolean; messages?: { content?: string }[] };
      const prompt = String(body.messages?.[0]?.content);
      counts.set(prompt, (counts.get(prompt) ?? 0) + 1);
      const n = ++serial;
      void answer(res, prompt, n, body.stream === true);
    });
  });
  async function answer(res: ServerResponse, prompt: string, n: number, stream: boolean): Promise<void> {
    await sleep(prompt.startsWith('slow:') ? slowMs : delayMs);
    const text = `answer ${n} to ${prompt}`;
    if (!stream) {
      const bytes = Buffer.from(
        JSON.stringify({
          id: `chatcmpl-${n}`,
          object: 'chat.completion',
          model: 'gpt-4o-mini',
          choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 },
        }),
      );
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes.length) });
      res.end(bytes);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const word of text.split(' ')) {
      const chunk = { id: `chatcmpl-${n}`, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: `${word} ` } }] };
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
      await sleep(10);
    }
    res.end('data: [DONE]\n\n');
  }
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= new Promise<void>((r) => {
      server.close(() => r());
      for (const s of sockets) s.destroy();
    }));
  defer(stop);
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    get total() {
      return total;
    },
    stop,
  };
}

export function chatBody(prompt: string, stream = false): string {
  return JSON.stringify({ model: 'gpt-4o-mini', stream, messages: [{ role: 'user', content: prompt }] });
}
