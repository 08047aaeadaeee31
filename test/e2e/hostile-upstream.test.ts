// Hostile or sloppy upstream answers (issue 13 items 4, 6 and 7): a compressed body that does not
// decode is stored incomplete and never served; raw deflate under `deflate` decodes; transport
// headers (`trailer`, `upgrade`, `proxy-connection`, whatever `Connection:` names) are neither
// stored nor forwarded, so a recorded `Trailer` no longer makes every replay a 500.
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tempStore, useCleanup } from '../helpers/cleanup.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import type { Handler } from '../helpers/fake-upstream.js';
import { startProxy } from '../helpers/proxy.js';
import { rawRequest } from '../helpers/record-replay.js';
import type { RawAnswer } from '../helpers/record-replay.js';
import { storedInteractions } from '../helpers/stored-interactions.js';
import type { Interaction } from '../../src/types.js';

useCleanup();

const CHAT = '/openai/v1/chat/completions';
const ANSWER = JSON.stringify({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  choices: [{ index: 0, message: { role: 'assistant', content: 'hello '.repeat(200) }, finish_reason: 'stop' }],
});
const post = (headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
});

/** Records one answer live, then asks golden for it. */
async function recordThenReplay(handler: Handler, headers: Record<string, string> = {}): Promise<{ live: RawAnswer; golden: RawAnswer }> {
  const upstream = await startFakeUpstream(handler);
  const store = tempStore();
  const live = await startProxy({ mode: 'live', store, upstream: [`openai=${upstream.url}`] });
  const liveAnswer = await rawRequest(`${live.url}${CHAT}`, post(headers));
  await live.stop();
  const golden = await startProxy({ mode: 'golden', store });
  return { live: liveAnswer, golden: await rawRequest(`${golden.url}${CHAT}`, post(headers)) };
}

const compressed =
  (encoding: string, bytes: Buffer, extra: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-encoding': encoding,
      'content-length': String(bytes.length),
      ...extra,
    });
    res.end(bytes);
  };

describe('compressed answers that do not decode', () => {
  it('a gzip body cut short but closed cleanly is stored incomplete and never served', async () => {
    const whole = gzipSync(ANSWER);
    const cut = whole.subarray(0, whole.length - 40);
    const { live, golden } = await recordThenReplay(compressed('gzip', cut));
    expect(live.status).toBe(200);
    expect(live.body.equals(cut)).toBe(true);
    expect(golden.status).toBe(404);
    expect(golden.headers['x-cassette-miss']).toBe('1');
  });

  it('garbage under `deflate` is stored incomplete and never served', async () => {
    const { golden } = await recordThenReplay(compressed('deflate', Buffer.from('this is not deflate at all, not even raw')));
    expect(golden.status).toBe(404);
  });

  it('raw deflate under `deflate` (a common server mistake) is decoded and replayed whole', async () => {
    const { golden } = await recordThenReplay(compressed('deflate', deflateRawSync(ANSWER)));
    expect(golden.status).toBe(200);
    expect(golden.body.toString()).toBe(ANSWER);
  });

  it('zlib-wrapped deflate still decodes', async () => {
    const { golden } = await recordThenReplay(compressed('deflate', deflateSync(ANSWER)));
    expect(golden.body.toString()).toBe(ANSWER);
  });
});

describe('stacked and unknown content encodings (item 5)', () => {
  it('`gzip, gzip` is decoded in order and replayed as the plain JSON answer', async () => {
    const twice = gzipSync(gzipSync(ANSWER));
    const { live, golden } = await recordThenReplay(compressed('gzip, gzip', twice));
    expect(live.body.equals(twice)).toBe(true);
    expect(golden.status).toBe(200);
    expect(golden.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(golden.body.toString('utf8'))).toEqual(JSON.parse(ANSWER));
  });

  it('`br, gzip` (brotli first, then gzip) replays decoded', async () => {
    const both = gzipSync(brotliCompressSync(ANSWER));
    const { golden } = await recordThenReplay(compressed('br, gzip', both));
    expect(golden.status).toBe(200);
    expect(golden.body.toString('utf8')).toBe(ANSWER);
  });

  it('an encoding the runtime cannot decode (zstd on Node 20) keeps its header and is replayed byte for byte', async () => {
    // A zstd frame's magic number, then bytes no JSON parser accepts.
    const bytes = Buffer.concat([
      Buffer.from([0x28, 0xb5, 0x2f, 0xfd]),
      Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 37) % 256)),
    ]);
    const { live, golden } = await recordThenReplay(compressed('zstd', bytes));
    expect(live.body.equals(bytes)).toBe(true);
    expect(golden.status).toBe(200);
    expect(golden.headers['content-encoding']).toBe('zstd');
    expect(golden.body.equals(bytes)).toBe(true);
  });
});

describe('transport headers', () => {
  it('a Trailer header and the headers Connection names are not stored: replay is a clean 200', async () => {
    const { live, golden } = await recordThenReplay((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        trailer: 'x-checksum',
        connection: 'x-hop-secret',
        'x-hop-secret': 'per-connection',
        'proxy-connection': 'keep-alive',
        'x-kept': 'yes',
      });
      res.end(ANSWER);
    });
    expect(live.status).toBe(200);
    expect(live.headers['x-hop-secret']).toBeUndefined();
    expect(golden.status).toBe(200);
    expect(golden.body.toString()).toBe(ANSWER);
    expect(golden.headers['x-kept']).toBe('yes');
    for (const h of ['trailer', 'x-hop-secret', 'proxy-connection']) expect(golden.headers[h], h).toBeUndefined();
  });

  it('request headers that Connection names are not forwarded upstream', async () => {
    const upstream = await startFakeUpstream((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(ANSWER);
    });
    const live = await startProxy({ mode: 'live', store: tempStore(), upstream: [`openai=${upstream.url}`] });
    await rawRequest(`${live.url}${CHAT}`, post({ connection: 'x-client-hop', 'x-client-hop': 'private', 'x-other': 'kept' }));
    expect(upstream.requests[0]?.headers['x-client-hop']).toBeUndefined();
    expect(upstream.requests[0]?.headers['x-other']).toBe('kept');
  });
});

describe('interim answers', () => {
  it('103 Early Hints before the answer: the client gets the 200, and golden replays it', async () => {
    const { live, golden } = await recordThenReplay((_req, res) => {
      res.writeEarlyHints({ link: '</style.css>; rel=preload' });
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(ANSWER);
      }, 20);
    });
    expect(live.status).toBe(200);
    expect(live.body.toString()).toBe(ANSWER);
    expect(golden.status).toBe(200);
    expect(golden.body.toString()).toBe(ANSWER);
  });

  it('a client sending Expect: 100-continue gets its answer', async () => {
    const { live } = await recordThenReplay(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(ANSWER);
      },
      { expect: '100-continue' },
    );
    expect(live.status).toBe(200);
    expect(live.body.toString()).toBe(ANSWER);
  });
});

describe('unsolicited interim answers before the final one (item 6)', () => {
  const SSE = [
    'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hel"}}]}\n\n',
    'data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}\n\n',
    'data: [DONE]\n\n',
  ];
  /** Writes 100 Continue, 102 Processing, a made-up 1xx with headers and 103, then the final answer. */
  const interimThen =
    (sse: boolean): Handler =>
    (_req, res) => {
      const socket = res.socket as NonNullable<typeof res.socket>;
      socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      socket.write('HTTP/1.1 102 Processing\r\n\r\n');
      socket.write('HTTP/1.1 100 Continue\r\nx-interim: yes\r\n\r\n');
      socket.write('HTTP/1.1 150 Made Up\r\nx-interim: yes\r\n\r\n');
      res.writeEarlyHints({ link: '</hint>; rel=preload' });
      setTimeout(() => {
        if (sse) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.end(SSE.join(''));
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(ANSWER);
        }
      }, 10);
    };

  for (const mode of ['live', 'record-missing'] as const) {
    for (const sse of [false, true]) {
      it(`${mode}, ${sse ? 'SSE' : 'JSON'}: the client gets the final answer and only it is recorded`, async () => {
        const upstream = await startFakeUpstream(interimThen(sse));
        const store = tempStore();
        const proxy = await startProxy({ mode, store, upstream: [`openai=${upstream.url}`] });
        const answer = await rawRequest(`${proxy.url}${CHAT}`, post());
        expect(answer.status).toBe(200);
        expect(answer.headers['x-interim']).toBeUndefined();
        expect(answer.body.toString()).toBe(sse ? SSE.join('') : ANSWER);
        // The upstream connection is still in step: the next call on it gets its own answer.
        const next = await rawRequest(`${proxy.url}${CHAT}`, post());
        expect(next.status).toBe(200);
        expect(upstream.connections).toBe(1);
        await proxy.stop();

        const stored = await storedInteractions(store);
        expect(stored).toHaveLength(mode === 'live' ? 2 : 1);
        const [only] = stored as [Interaction];
        expect(only.complete).toBe(true);
        expect(only.response.status).toBe(200);
        expect(only.response.headers['x-interim']).toBeUndefined();
        expect(only.response.headers.link).toBeUndefined();
        if (sse) expect(only.response.stream?.events.map((e) => e.raw)).toEqual(SSE);
        else expect(only.response.body).toMatchObject({ kind: 'json', json: JSON.parse(ANSWER) });

        const golden = await startProxy({ mode: 'golden', store });
        const replayed = await rawRequest(`${golden.url}${CHAT}`, post());
        expect(replayed.status).toBe(200);
        expect(replayed.body.toString()).toBe(sse ? SSE.join('') : ANSWER);
      });
    }
  }
});

describe('SSE events that are not valid UTF-8 (item 16)', () => {
  const events = [
    Buffer.from('data: {"choices":[{"delta":{"content":"caf\u00e9 \u{1F600} "}}]}\n\n'),
    Buffer.concat([
      Buffer.from('data: {"choices":[{"delta":{"content":"bad '),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(' cut '),
      Buffer.from([0xe2, 0x82]),
      Buffer.from(' lone '),
      Buffer.from([0x80]),
      Buffer.from('"}}]}\n\n'),
    ]),
    Buffer.from('data: {"choices":[{"delta":{"content":"a literal \uFFFD is fine"}}]}\n\n'),
    Buffer.concat([Buffer.from('data: {"choices":[{"delta":{"content":"'), Buffer.from([0xf0, 0x9f, 0x98]), Buffer.from('"}}]}\r\n\r\n')]),
    Buffer.from('data: [DONE]\n\n'),
  ];
  const wire = Buffer.concat(events);

  it('golden replays the recorded stream byte for byte', async () => {
    const { live, golden } = await recordThenReplay(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      // Odd-sized pieces: multi-byte characters and bad sequences cross chunk boundaries.
      for (let i = 0; i < wire.length; i += 7) {
        res.write(wire.subarray(i, i + 7));
        await new Promise((r) => setTimeout(r, 1));
      }
      res.end();
    });
    expect(live.body.equals(wire)).toBe(true);
    expect(golden.status).toBe(200);
    expect(golden.body.toString('hex')).toBe(wire.toString('hex'));
  });
});
