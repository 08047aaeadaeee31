// Idle and slow client sockets (issue 13 item 10): sockets that send nothing, or half a request
// head, are closed after limits.clientIdleTimeoutMs of silence, so hundreds of them cannot lock
// legitimate clients out; a request whose answer is silent for longer (an upstream thinking)
// is not cut, because inside a request only the upstream's own timeouts apply.
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { tempDir, tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { rawRequest } from '../helpers/record-replay.js';

useCleanup();

describe('idle client sockets', () => {
  it('are closed after limits.clientIdleTimeoutMs of silence, while a slow answer is not cut', async () => {
    const upstream = await startFakeUpstream(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"choices":[{"delta":{"content":"thinking"}}]}\n\n');
      await sleep(1_500); // silent for three times the client idle timeout
      res.end('data: [DONE]\n\n');
    });
    const config = join(tempDir(), 'cassette.config.json');
    writeFileSync(config, JSON.stringify({ limits: { clientIdleTimeoutMs: 500 } }));
    const proxy = await startProxy({ mode: 'live', store: tempStore(), config, upstream: [`openai=${upstream.url}`] });
    const { port } = new URL(proxy.url);
    const sockets: Socket[] = [];
    const closed = new Set<Socket>();
    for (let i = 0; i < 100; i++) {
      const s = connect(Number(port), '127.0.0.1');
      s.on('error', () => undefined).on('close', () => closed.add(s));
      if (i % 2 === 1) s.write('POST /openai/v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      sockets.push(s);
    }
    const slow = rawRequest(`${proxy.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'think' }] }),
    });
    await sleep(2_500);
    expect(closed.size).toBe(sockets.length);
    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toContain('data: [DONE]');
    for (const s of sockets) s.destroy();
  });
});
