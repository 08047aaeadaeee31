// Helpers of the robustness suite (crash, concurrent writers, store faults, malformed HTTP).
// Not a test file. Everything started here is registered with test/helpers/cleanup.ts and stopped
// after each test, failures included.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { fetch, type Dispatcher } from 'undici';
import { defer } from '../helpers/cleanup.js';
import { CLI_PATH, REPO_DIR, cliEnv } from '../helpers/proxy.js';

// ---------------------------------------------------------------------------------------------
// A deterministic LLM-shaped upstream: every answer is a pure function of the prompt, so a test
// can tell what the complete answer to any request is, whether or not the client got all of it.
// ---------------------------------------------------------------------------------------------

/**
 * Prompt grammar (the user message content):
 * - `long:<tag>`   an SSE stream of up to 20,000 events 5 ms apart: still streaming when a test kills the proxy;
 * - `big:<kb>:<tag>` a JSON answer of about <kb> KiB;
 * - `many:<n>:<tag>` with `stream: true`, an SSE stream of <n> events sent back to back;
 * - anything else: a JSON answer, or with `stream: true` a short SSE stream (6 events, 2 ms apart).
 */
export interface LlmUpstream {
  readonly url: string;
  /** Streams that have sent at least one event and not ended yet. */
  readonly openStreams: number;
  /** Requests received so far. */
  readonly received: number;
  /** The prompt (or raw body) of every request received, in order. */
  readonly prompts: readonly string[];
  stop(): Promise<void>;
}

export function chatRequestBody(prompt: string, stream: boolean): string {
  return JSON.stringify({
    model: 'gpt-4o-mini',
    stream,
    messages: [{ role: 'user', content: prompt }],
  });
}

/** POSTs the chat call of `prompt` to an OpenAI route of `base` in `episode`: its status and outcome. */
export async function postChat(
  agent: Dispatcher,
  base: string,
  episode: string,
  prompt: string,
  stream = false,
): Promise<{ status: number; outcome: string | null }> {
  const r = await fetch(`${base}/openai/v1/chat/completions`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'content-type': 'application/json', 'x-cassette-episode': episode },
    body: chatRequestBody(prompt, stream),
  });
  await r.arrayBuffer();
  return { status: r.status, outcome: r.headers.get('x-cassette-outcome') };
}

function sseEvents(prompt: string, count: number): string[] {
  const events: string[] = [];
  for (let i = 0; i < count; i++) {
    const chunk = {
      id: `chatcmpl-${hash(prompt)}`,
      object: 'chat.completion.chunk',
      created: 1700000000,
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          delta: i === 0 ? { role: 'assistant', content: '' } : { content: `${prompt}#${i} ` },
          finish_reason: null,
        },
      ],
    };
    events.push(`data: ${JSON.stringify(chunk)}\n\n`);
  }
  const last = {
    id: `chatcmpl-${hash(prompt)}`,
    object: 'chat.completion.chunk',
    created: 1700000000,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: 5,
      completion_tokens: count,
      total_tokens: 5 + count,
    },
  };
  events.push(`data: ${JSON.stringify(last)}\n\n`, 'data: [DONE]\n\n');
  return events;
}

/** The complete answer body the upstream gives to `prompt`. */
/** How many content events the SSE answer to `prompt` has. */
function eventCount(prompt: string): number {
  if (prompt.startsWith('long:')) return 20_000;
  const many = /^many:(\d+):/.exec(prompt);
  return many ? Number(many[1]) : 6;
}

export function expectedAnswer(prompt: string, stream: boolean): string {
  if (stream) return sseEvents(prompt, eventCount(prompt)).join('');
  let content = `answer to ${prompt}`;
  const big = /^big:(\d+):/.exec(prompt);
  if (big) {
    // Many short strings: slow to redact, encode and store, like a real large answer.
    const words: string[] = [];
    for (let size = 0, i = 0; size < Number(big[1]) * 1024; i++) {
      const w = `w${i}-${prompt.length}`;
      words.push(w);
      size += w.length + 1;
    }
    content = words.join(' ');
  }
  return JSON.stringify({
    id: `chatcmpl-${hash(prompt)}`,
    object: 'chat.completion',
    created: 1700000000,
    model: 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
  });
}

function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h.toString(36);
}

export async function startLlmUpstream(opts: { longEventMs?: number; shortEventMs?: number } = {}): Promise<LlmUpstream> {
  const longEventMs = opts.longEventMs ?? 5;
  const shortEventMs = opts.shortEventMs ?? 2;
  const sockets = new Set<Socket>();
  let openStreams = 0;
  let received = 0;
  const prompts: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received++;
      let body: { stream?: boolean; messages?: { content?: string }[] } = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        // not JSON: answered like any other prompt
      }
      const prompt = String(body.messages?.[0]?.content ?? Buffer.concat(chunks).toString('utf8'));
      prompts.push(prompt);
      if (body.stream) {
        void streamAnswer(res, prompt, prompt.startsWith('long:') ? longEventMs : prompt.startsWith('many:') ? 0 : shortEventMs);
      } else {
        const bytes = Buffer.from(expectedAnswer(prompt, false));
        res.writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(bytes.length),
          'x-request-id': `req_${received}`,
        });
        res.end(bytes);
      }
    });
  });
  async function streamAnswer(res: ServerResponse, prompt: string, delay: number): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
    });
    res.flushHeaders();
    let counted = false;
    try {
      for (const event of sseEvents(prompt, eventCount(prompt))) {
        if (res.destroyed) return;
        if (!res.write(event) && delay === 0) await drainOrClose(res);
        if (!counted) {
          counted = true;
          openStreams++;
        }
        if (delay > 0) await sleep(delay);
      }
      res.end();
    } finally {
      if (counted) openStreams--;
    }
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
    get openStreams() {
      return openStreams;
    },
    get received() {
      return received;
    },
    prompts,
    stop,
  };
}

// ---------------------------------------------------------------------------------------------
// The proxy as a child process (`node bin/cassette.js serve --json ...`).
// ---------------------------------------------------------------------------------------------

export interface ProxyChild {
  readonly url: string;
  readonly port: number;
  readonly child: ChildProcess;
  stderr(): string;
  readonly exited: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
  }>;
  /** SIGKILL, resolved once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (a clean stop), bounded: SIGKILL after `ms`. */
  stop(ms?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  /** Runs the proxy under `ulimit -f <kb>` (RLIMIT_FSIZE): writes past that file size fail with EFBIG. */
  fileSizeLimitKb?: number;
  startTimeoutMs?: number;
}

/** Spawns `cassette serve --json --port 0 ...args` and waits for its JSON line. */
export async function spawnProxy(args: string[], opts: SpawnOptions = {}): Promise<ProxyChild> {
  const argv = [CLI_PATH, 'serve', '--json', '--port', '0', ...args];
  const child =
    opts.fileSizeLimitKb === undefined
      ? spawn(process.execPath, argv, {
          env: cliEnv(opts.env),
          cwd: REPO_DIR,
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn('/bin/bash', ['-c', `ulimit -f ${opts.fileSizeLimitKb} && exec "$0" "$@"`, process.execPath, ...argv], {
          env: cliEnv(opts.env),
          cwd: REPO_DIR,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
  }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  const alive = (): boolean => child.exitCode === null && child.signalCode === null;
  const kill9 = async (): Promise<void> => {
    if (alive()) child.kill('SIGKILL');
    await exited;
  };
  defer(kill9);
  const timeout = opts.startTimeoutMs ?? 15_000;
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`proxy printed no line within ${timeout} ms; stderr: ${err}`)), timeout);
    const check = (): void => {
      const nl = out.indexOf('\n');
      if (nl === -1) return;
      clearTimeout(timer);
      resolve(out.slice(0, nl));
    };
    child.stdout?.on('data', check);
    void exited.then((e) => {
      clearTimeout(timer);
      reject(new Error(`proxy exited (${e.code ?? e.signal}) before listening; stderr: ${err}`));
    });
  });
  const info = JSON.parse(line) as {
    ok?: boolean;
    url?: string;
    port?: number;
  };
  if (info.ok !== true || typeof info.url !== 'string' || typeof info.port !== 'number') {
    await exited;
    throw new Error(`proxy did not start: ${line}; stderr: ${err}`);
  }
  return {
    url: info.url,
    port: info.port,
    child,
    stderr: () => err,
    exited,
    kill9,
    async stop(ms = 8_000) {
      if (alive()) child.kill('SIGTERM');
      const timer = setTimeout(() => alive() && child.kill('SIGKILL'), ms);
      const e = await exited;
      clearTimeout(timer);
      return e;
    },
  };
}

/** Runs `node bin/cassette.js ...args` to completion (bounded). */
export function runCliBounded(
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      env: cliEnv(opts.env),
      cwd: REPO_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 15_000);
    defer(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Clients.
// ---------------------------------------------------------------------------------------------

export interface CallResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The whole HTTP message arrived (end of a content-length body or the last chunk). */
  complete: boolean;
  error?: string;
}

/** One HTTP request on a fresh connection; never rejects (a failure is `status: 0` or `complete: false`). */
export function call(
  base: string,
  path: string,
  opts: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    timeoutMs?: number;
    onFirstByte?: () => void;
  } = {},
): Promise<CallResult> {
  return new Promise((resolve) => {
    const url = new URL(path, base);
    const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
    let settled = false;
    const done = (r: CallResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const req = httpRequest(
      url,
      {
        method: opts.method ?? (body ? 'POST' : 'GET'),
        agent: false,
        headers: {
          ...(body
            ? {
                'content-type': 'application/json',
                'content-length': String(body.length),
              }
            : {}),
          ...opts.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          if (chunks.length === 0) opts.onFirstByte?.();
          chunks.push(c);
        });
        res.on('error', () => undefined);
        res.once('close', () =>
          done({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            complete: res.complete,
          }),
        );
      },
    );
    const timer = setTimeout(() => req.destroy(new Error('client timeout')), opts.timeoutMs ?? 20_000);
    req.on('error', (e) =>
      done({
        status: 0,
        headers: {},
        body: Buffer.alloc(0),
        complete: false,
        error: e.message,
      }),
    );
    req.end(body);
  });
}

export interface RawResult {
  /** Everything the server sent before it closed or the wait ended. */
  text: string;
  /** The server closed the connection (FIN or reset) within the wait. */
  closed: boolean;
  /** Writing failed because the server had closed (EPIPE / ECONNRESET): also a refusal. */
  writeError?: string;
}

/**
 * Writes raw bytes (or pieces with pauses) on a fresh TCP connection, then waits up to `waitMs`
 * for the server to answer and close. `halfClose` ends our side after writing.
 */
export function rawExchange(
  port: number,
  pieces: (string | Buffer | { pauseMs: number })[],
  opts: { waitMs?: number; halfClose?: boolean; untilText?: RegExp } = {},
): Promise<RawResult> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let closed = false;
    let writeError: string | undefined;
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(received).toString('latin1');
      resolve(writeError === undefined ? { text, closed } : { text, closed, writeError });
    };
    const timer = setTimeout(finish, opts.waitMs ?? 3_000);
    socket.on('data', (d: Buffer) => {
      received.push(d);
      if (opts.untilText?.test(Buffer.concat(received).toString('latin1'))) finish();
    });
    socket.on('error', (e) => {
      writeError ??= e.message;
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.once('connect', async () => {
      for (const p of pieces) {
        if (settled || socket.destroyed) return;
        if (typeof p === 'object' && !Buffer.isBuffer(p)) await sleep(p.pauseMs);
        else await new Promise<void>((r) => socket.write(p, () => r()));
      }
      if (opts.halfClose) socket.end();
    });
  });
}

/** The status code of the first response in raw HTTP text, or 0. */
export function statusOf(text: string): number {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  return m ? Number(m[1]) : 0;
}

// ---------------------------------------------------------------------------------------------
// Store inspection (read-only; never through the product).
// ---------------------------------------------------------------------------------------------

export interface StoredRow {
  episode: string;
  take: number;
  position: number;
  complete: number;
  prompt: string;
}

/** Every interaction row of a SQLite store, with the prompt of its request. */
export function sqliteRows(path: string): StoredRow[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare(
        `SELECT t.episode, t.take, i.position, i.complete, i.data FROM interactions i JOIN takes t ON t.id = i.take_id
         ORDER BY t.episode, t.take, i.position`,
      )
      .all() as {
      episode: string;
      take: number;
      position: number;
      complete: number;
      data: string;
    }[];
    return rows.map((r) => {
      const data = JSON.parse(r.data) as {
        request: { body: { json?: { messages?: { content?: string }[] } } };
      };
      return {
        episode: r.episode,
        take: r.take,
        position: r.position,
        complete: r.complete,
        prompt: String(data.request.body.json?.messages?.[0]?.content),
      };
    });
  } finally {
    db.close();
  }
}

/** `PRAGMA integrity_check` of a SQLite store, opened read-only. */
export function integrityCheck(path: string): string {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

/** Waits until `cond()` is true, polling; throws after `timeoutMs`. */
export async function waitFor(cond: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

/** Waits for the client to take more (or go away), leaving no listener behind. */
function drainOrClose(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
