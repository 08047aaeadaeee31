// Malformed and hostile HTTP against a running live proxy (CLI child), over raw sockets. For each
// shape: a clear 4xx or a closed connection, never a forward; the proxy stays up (a normal request
// right after succeeds); the store gets no interaction from it and nothing is written outside it.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { runDeferred, tempDir } from '../helpers/cleanup.js';
import { call, chatRequestBody, rawExchange, spawnProxy, startLlmUpstream, statusOf } from './harness.js';
import type { LlmUpstream, ProxyChild, RawResult } from './harness.js';
import { collect } from '../../src/store/store.js';

// One proxy serves the whole matrix (that it stays up is the point), so teardown runs after all.
afterAll(runDeferred);

const CHAT = '/openai/v1/chat/completions';
const BODY = chatRequestBody('hostile', false);

/** A request head plus body, CRLF line ends; `head` lines without their line end. */
function req(head: string[], body = ''): string {
  return `${head.join('\r\n')}\r\n\r\n${body}`;
}
const post = (path: string, extra: string[] = [], body = BODY): string =>
  req(
    [
      `POST ${path} HTTP/1.1`,
      'Host: 127.0.0.1',
      'Content-Type: application/json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
      ...extra,
    ],
    body,
  );

interface Case {
  name: string;
  pieces: (string | Buffer | { pauseMs: number })[];
  halfClose?: boolean;
  /** Give up (reset the connection) after this long instead of waiting for an answer. */
  resetAfterMs?: number;
  /** Statuses accepted besides a closed connection without an answer (default: any 4xx). */
  status?: number[];
  /** The answer must be this status (no bare close accepted). */
  mustAnswer?: boolean;
}

const chatPath = (episodeSegment: string): string => `/episodes/${episodeSegment}/openai/v1/chat/completions`;

const CASES: Case[] = [
  // Framing.
  {
    name: 'non-numeric content-length',
    pieces: [req([`POST ${CHAT} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Length: abc'], BODY)],
  },
  {
    name: 'negative content-length',
    pieces: [req([`POST ${CHAT} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Length: -1'], BODY)],
  },
  {
    name: 'two different content-lengths',
    pieces: [req([`POST ${CHAT} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Length: 5', `Content-Length: ${BODY.length}`], BODY)],
  },
  {
    name: 'content-length larger than the body, then close',
    pieces: [req([`POST ${CHAT} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', 'Content-Length: 100000'], BODY)],
    halfClose: true,
  },
  {
    name: 'content-length larger than the body, then reset',
    pieces: [req([`POST ${CHAT} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: application/json', 'Content-Length: 100000'], BODY)],
    resetAfterMs: 300,
  },
  {
    name: 'headers never finished, then reset',
    pieces: [`POST ${CHAT} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Len`],
    resetAfterMs: 300,
  },
  {
    name: 'content-length of 100 GB',
    pieces: [req([`POST ${CHAT} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Length: 107374182400'], BODY)],
    status: [413],
    mustAnswer: true,
  },
  {
    name: 'invalid chunk size',
    pieces: [req([`POST ${CHAT} HTTP/1.1`, 'Host: 127.0.0.1', 'Transfer-Encoding: chunked'], `zz\r\n${BODY}\r\n0\r\n\r\n`)],
  },
  {
    name: 'chunk longer than announced',
    pieces: [req([`POST ${CHAT} HTTP/1.1`, 'Host: 127.0.0.1', 'Transfer-Encoding: chunked'], `2\r\n${BODY}\r\n0\r\n\r\n`)],
  },
  {
    name: 'chunked body cut short, then close',
    pieces: [req([`POST ${CHAT} HTTP/1.1`, 'Host: 127.0.0.1', 'Transfer-Encoding: chunked'], `ffff\r\n${BODY}`)],
    halfClose: true,
  },
  {
    name: 'chunk extension garbage',
    pieces: [
      req(
        [`POST ${CHAT} HTTP/1.1`, 'Host: 127.0.0.1', 'Transfer-Encoding: chunked'],
        `${BODY.length.toString(16)};\u0000\r\n${BODY}\r\n0\r\n\r\n`,
      ),
    ],
  },
  // Smuggling shapes.
  {
    name: 'content-length and transfer-encoding together (CL.TE)',
    pieces: [
      req(
        [`POST ${CHAT} HTTP/1.1`, 'Host: 127.0.0.1', `Content-Length: ${BODY.length + 5}`, 'Transfer-Encoding: chunked'],
        `0\r\n\r\nGET /openai/v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
      ),
    ],
  },
  {
    name: 'transfer-encoding then content-length (TE.CL)',
    pieces: [
      req(
        [`POST ${CHAT} HTTP/1.1`, 'Host: 127.0.0.1', 'Transfer-Encoding: chunked', 'Content-Length: 4'],
        `5c\r\nGPOST ${CHAT} HTTP/1.1\r\n\r\n0\r\n\r\n`,
      ),
    ],
  },
  {
    name: 'transfer-encoding chunked twice',
    pieces: [req([`POST ${CHAT} HTTP/1.1`, 'Host: 127.0.0.1', 'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked'], `0\r\n\r\n`)],
  },
  {
    name: 'transfer-encoding xchunked',
    pieces: [req([`POST ${CHAT} HTTP/1.1`, 'Host: 127.0.0.1', 'Transfer-Encoding: xchunked'], `0\r\n\r\n`)],
  },
  {
    name: 'transfer-encoding chunked, identity',
    pieces: [req([`POST ${CHAT} HTTP/1.1`, 'Host: 127.0.0.1', 'Transfer-Encoding: chunked, identity'], `0\r\n\r\n`)],
  },
  {
    name: 'space before the colon of transfer-encoding',
    pieces: [req([`POST ${CHAT} HTTP/1.1`, 'Host: 127.0.0.1', 'Transfer-Encoding : chunked'], `0\r\n\r\n`)],
  },
  {
    name: 'obs-folded transfer-encoding',
    pieces: [req([`POST ${CHAT} HTTP/1.1`, 'Host: 127.0.0.1', 'Transfer-Encoding:', ' chunked'], `0\r\n\r\n`)],
  },
  // Header injection.
  {
    name: 'CR inside a header value',
    pieces: [post(CHAT, ['X-Test: a\rX-Injected: 1'])],
  },
  {
    name: 'NUL inside a header value',
    pieces: [post(CHAT, ['X-Test: a\u0000b'])],
  },
  {
    name: 'space inside a header name',
    pieces: [post(CHAT, ['Bad Header: 1'])],
  },
  {
    name: 'CRLF injected into x-cassette-episode (percent-encoded)',
    pieces: [post(CHAT, ['x-cassette-episode: a%0d%0aX-Injected:%201'])],
    status: [400],
    mustAnswer: true,
  },
  {
    name: 'obs-fold continuing x-cassette-episode',
    pieces: [post(CHAT, ['x-cassette-episode: ok', ' ../../etc'])],
  },
  // Sizes and counts.
  {
    name: '5,000 headers',
    pieces: [
      post(
        CHAT,
        Array.from({ length: 5_000 }, (_, i) => `X-H${i}: v`),
      ),
    ],
    status: [431],
    mustAnswer: true,
  },
  {
    name: 'one 64 KiB header',
    pieces: [post(CHAT, [`X-Big: ${'a'.repeat(64 * 1024)}`])],
    status: [431],
    mustAnswer: true,
  },
  {
    name: '100 KiB request target',
    pieces: [post(`${CHAT}?q=${'a'.repeat(100 * 1024)}`)],
    status: [431],
    mustAnswer: true,
  },
  // Episode ids that try to leave the store.
  {
    name: 'episode ..',
    pieces: [post(chatPath('..'))],
    status: [400],
    mustAnswer: true,
  },
  {
    name: 'episode %2e%2e',
    pieces: [post(chatPath('%2e%2e'))],
    status: [400],
    mustAnswer: true,
  },
  {
    name: 'episode ..%2f..%2ftmp',
    pieces: [post(chatPath('..%2f..%2ftmp'))],
    status: [400],
    mustAnswer: true,
  },
  {
    name: 'episode %2e%2e%2f%2e%2e%2fetc',
    pieces: [post(chatPath('%2e%2e%2f%2e%2e%2fetc'))],
    status: [400],
    mustAnswer: true,
  },
  {
    name: 'episode .',
    pieces: [post(chatPath('.'))],
    status: [400],
    mustAnswer: true,
  },
  {
    name: 'episode with NUL',
    pieces: [post(chatPath('a%00b'))],
    status: [400],
    mustAnswer: true,
  },
  {
    name: 'episode with backslashes',
    pieces: [post(chatPath('..%5c..%5cx'))],
    status: [400],
    mustAnswer: true,
  },
  {
    name: 'episode of 129 characters',
    pieces: [post(chatPath('a'.repeat(129)))],
    status: [400],
    mustAnswer: true,
  },
  {
    name: 'x-cassette-episode ../../etc',
    pieces: [post(CHAT, ['x-cassette-episode: ../../etc'])],
    status: [400],
    mustAnswer: true,
  },
  {
    name: 'x-cassette-episode /tmp/x',
    pieces: [post(CHAT, ['x-cassette-episode: /tmp/x'])],
    status: [400],
    mustAnswer: true,
  },
  {
    name: 'POST /__cassette/episode {"id":"../x"}',
    pieces: [post('/__cassette/episode', [], '{"id":"../x"}')],
    status: [400],
    mustAnswer: true,
  },
  // Not a proxy for anything else.
  {
    name: 'absolute-form request target',
    pieces: [
      req(
        [`POST http://169.254.169.254/latest/meta-data HTTP/1.1`, 'Host: 169.254.169.254', 'Content-Length: 2', 'Connection: close'],
        '{}',
      ),
    ],
  },
  {
    name: 'CONNECT tunnel',
    pieces: [req(['CONNECT 169.254.169.254:80 HTTP/1.1', 'Host: 169.254.169.254:80'])],
  },
  {
    name: 'unknown provider',
    pieces: [post('/evil.example/v1/chat/completions')],
    status: [404],
    mustAnswer: true,
  },
  {
    name: 'garbage request line',
    pieces: ['\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003 TLS hello?\r\n\r\n'],
  },
  { name: 'HTTP/2 preface', pieces: ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'] },
  {
    name: 'bad HTTP version',
    pieces: [`POST ${CHAT} HTTP/9.9\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}`],
  },
];

describe.each([
  ['sqlite', 'store.db'],
  ['directory', 'store-dir'],
])('malformed HTTP against a live proxy on a %s store', (_kind, name) => {
  let upstream: LlmUpstream;
  let proxy: ProxyChild;
  let storePath: string;
  let normal = 0;

  beforeAll(async () => {
    upstream = await startLlmUpstream();
    storePath = join(tempDir('cassette-malformed-'), name);
    proxy = await spawnProxy(['--mode', 'live', '--store', storePath, '--upstream', `openai=${upstream.url}`]);
  }, 30_000);

  async function stored(): Promise<number> {
    try {
      const store = await openStore(storePath, { readonly: true });
      try {
        return (
          await collect(
            store.interactions({
              newestTakeOnly: false,
              includeIncomplete: true,
            }),
          )
        ).length;
      } finally {
        await store.close();
      }
    } catch {
      return 0; // nothing recorded yet: the store does not exist
    }
  }

  /** A normal request succeeds and is recorded (exactly one more interaction, one more upstream call). */
  async function assertStillServing(before: { received: number; stored: number }, what: string): Promise<void> {
    const prompt = `normal-${++normal}`;
    const r = await call(proxy.url, CHAT, {
      body: chatRequestBody(prompt, false),
    });
    expect(r.status, `${what}: normal request after it`).toBe(200);
    expect(upstream.received, `${what}: nothing else went upstream`).toBe(before.received + 1);
    expect(upstream.prompts.at(-1)).toBe(prompt);
    expect(await stored(), `${what}: nothing else was recorded`).toBe(before.stored + 1);
  }

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (what, c) => {
    const before = { received: upstream.received, stored: await stored() };
    const r: RawResult = await rawExchange(proxy.port, c.pieces, {
      waitMs: c.resetAfterMs ?? 3_000,
      ...(c.halfClose ? { halfClose: true } : {}),
    });
    const status = statusOf(r.text);
    if (c.resetAfterMs !== undefined) r.closed = true; // we closed it: no answer was due
    const detail = `${what}: ${JSON.stringify(r.text.slice(0, 300))} closed=${r.closed} ${r.writeError ?? ''}`;
    if (status === 0) {
      expect(c.mustAnswer ?? false, detail).toBe(false);
      expect(r.closed, detail).toBe(true);
    } else if (c.status) {
      expect(c.status, detail).toContain(status);
    } else {
      expect(status >= 400 && status < 500, detail).toBe(true);
    }
    // A refusal that answers says what is wrong: a JSON error with a code and a message.
    if (status !== 0) {
      expect(r.text, detail).toMatch(/\r\ncontent-type: application\/json\r\n/i);
      expect(r.text, detail).toMatch(/\r\nx-cassette-error: [a-z_]+\r\n/i);
      expect(r.text, detail).toMatch(/"message":"[^"]{10,}/);
    }
    await sleep(20);
    await assertStillServing(before, what);
    expect(proxy.child.exitCode, proxy.stderr()).toBeNull();
  });

  it('serves other clients while a slowloris client trickles its headers and 200 idle sockets are open', async () => {
    const before = { received: upstream.received, stored: await stored() };
    const idle = Array.from({ length: 200 }, () => rawExchange(proxy.port, [{ pauseMs: 2_500 }], { waitMs: 3_000 }));
    const slow = rawExchange(
      proxy.port,
      [
        `POST ${CHAT} HTTP/1.1\r\nHost: 127.0.0.1\r\n`,
        ...Array.from({ length: 20 }, (_, i) => [{ pauseMs: 100 }, `X-Slow-${i}: ${i}\r\n`]).flat(),
      ],
      { waitMs: 2_500 },
    );
    let served = 0;
    const until = Date.now() + 1_800;
    while (Date.now() < until) {
      const prompt = `normal-${++normal}`;
      const r = await call(proxy.url, CHAT, {
        body: chatRequestBody(prompt, false),
        timeoutMs: 2_000,
      });
      expect(r.status, r.error).toBe(200);
      served++;
      await sleep(50);
    }
    const s = await slow;
    expect(served).toBeGreaterThanOrEqual(5);
    // The slow client got no answer (its headers never ended) and nothing of it went upstream.
    expect(statusOf(s.text)).toBe(0);
    expect(upstream.received).toBe(before.received + served);
    expect(await stored()).toBe(before.stored + served);
    await Promise.all(idle);
  }, 20_000);

  it('ends with only the normal requests upstream and in the store, and nothing outside the store', async () => {
    expect(
      upstream.prompts.every((p) => p.startsWith('normal-')),
      upstream.prompts.join(', '),
    ).toBe(true);
    expect(upstream.received).toBe(normal);
    expect(await stored()).toBe(normal);
    const store = await openStore(storePath, { readonly: true });
    try {
      expect(await store.listEpisodes()).toEqual(['default']);
    } finally {
      await store.close();
    }
    // The temp dir holds the store (and SQLite's side files) and nothing else.
    const beside = readdirSync(dirname(storePath)).filter((f) => !f.startsWith(name));
    expect(beside).toEqual([]);
    const health = await call(proxy.url, '/__cassette/health');
    expect(health.status).toBe(200);
    // A clean stop is quick: no request of the matrix is still hanging inside the proxy (a stop
    // waits up to 2 s for in-flight requests before cutting them).
    const stopping = Date.now();
    const stopped = await proxy.stop();
    expect(stopped.code, proxy.stderr()).toBe(0);
    expect(Date.now() - stopping).toBeLessThan(1_500);
    // No request failed inside the proxy.
    expect(proxy.stderr()).not.toMatch(/"code":"internal_error"/);
  }, 20_000);
});
