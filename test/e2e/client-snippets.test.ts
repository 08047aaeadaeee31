// Issue 14 item 23: the client snippets of docs/clients.md are the files in docs/examples/, and
// each runs as it is, with the real client library, as a child process: recorded through a live
// proxy against a fake provider, then replayed by a golden proxy, which must print the same answer
// while the fake provider sees no new connection. One live and one golden proxy serve every
// snippet, each snippet in its own episode (the `/episodes/<id>/` base URLs of `envFor`).
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeferred, tempDir } from '../helpers/cleanup.js';
import { corpus, responseJson, responseText, sseJson } from '../helpers/corpus.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import type { FakeUpstream } from '../helpers/fake-upstream.js';
import { REPO_DIR, cliEnv, startProxy } from '../helpers/proxy.js';
import type { TestProxy } from '../helpers/proxy.js';

// Deferred steps (servers, temp dirs) run once, after the last test: the proxies serve every test.
afterAll(runDeferred);

const EXAMPLES = join(REPO_DIR, 'docs', 'examples');

/** The interpreter with the official Python SDKs: .ci/run puts them in .venv-clients (see docs/clients.md). */
function findPython(modules: string): string | undefined {
  for (const candidate of [process.env.CASSETTE_PYTHON, join(REPO_DIR, '.venv-clients', 'bin', 'python'), '/usr/bin/python3', 'python3']) {
    if (!candidate || (candidate.startsWith('/') && !existsSync(candidate))) continue;
    if (spawnSync(candidate, ['-c', `import ${modules}`]).status === 0) return candidate;
  }
  return undefined;
}
const pythonDebian = findPython('httpx, requests');
const pythonSdks = findPython('openai, anthropic, google.genai');
if (!pythonDebian)
  console.warn('SKIPPED the httpx/requests snippets: no python3 with httpx and requests (run the apt-get line of .ci/run)');
if (!pythonSdks) console.warn('SKIPPED the Python SDK snippets: no python3 with openai, anthropic and google-genai (see .ci/run)');

const chat = corpus('openai/chat-completions-basic.json');
const chatStream = corpus('openai/chat-completions-stream-include-usage.json');
const responses = corpus('openai/responses-basic.json');
const messages = corpus('anthropic/messages-basic.json');
const messagesStream = corpus('anthropic/messages-stream-basic.json');
const gemini = corpus('gemini/generate-content-basic.json');
const converse = corpus('bedrock/converse-basic.json');

const TEXT = {
  chat: responseJson(chat).choices[0].message.content as string,
  chatStream: sseJson(responseText(chatStream))
    .map((e) => e.choices?.[0]?.delta?.content ?? '')
    .join(''),
  responses: responseJson(responses).output[0].content[0].text as string,
  messages: responseJson(messages).content[0].text as string,
  messagesStream: sseJson(responseText(messagesStream))
    .map((e) => (e.delta?.type === 'text_delta' ? e.delta.text : ''))
    .join(''),
  gemini: responseJson(gemini).candidates[0].content.parts[0].text as string,
  converse: responseJson(converse).output.message.content[0].text as string,
};

interface Snippet {
  file: string;
  /** What the snippet prints (the text of the corpus answer the fake provider gives). */
  expected: string;
  /** Where the request must arrive upstream. */
  path: string;
  /** The interpreter; undefined skips the snippet (with a warning above). */
  command: string | undefined;
  /** curl prints the whole JSON answer: compare its text field. */
  parse?: (stdout: string) => string;
}

const node = process.execPath;
const SNIPPETS: Snippet[] = [
  { file: 'openai-node.mjs', command: node, path: '/v1/chat/completions', expected: TEXT.chat },
  { file: 'anthropic-node.mjs', command: node, path: '/v1/messages', expected: TEXT.messages },
  { file: 'vercel-ai-openai.mjs', command: node, path: '/v1/responses', expected: TEXT.responses },
  // The SDK posts to `<ANTHROPIC_BASE_URL>/messages`; upstream it arrives versioned.
  { file: 'vercel-ai-anthropic.mjs', command: node, path: '/v1/messages', expected: TEXT.messagesStream },
  { file: 'vercel-ai-google.mjs', command: node, path: '/v1beta/models/gemini-2.5-flash:generateContent', expected: TEXT.gemini },
  { file: 'langchain-openai.mjs', command: node, path: '/v1/chat/completions', expected: TEXT.chat },
  { file: 'langchain-anthropic.mjs', command: node, path: '/v1/messages', expected: TEXT.messages },
  { file: 'openai-agents.mjs', command: node, path: '/v1/responses', expected: TEXT.responses },
  { file: 'google-genai-node.mjs', command: node, path: '/v1beta/models/gemini-2.5-flash:generateContent', expected: TEXT.gemini },
  {
    file: 'bedrock-node.mjs',
    command: node,
    path: '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse',
    expected: TEXT.converse,
  },
  {
    file: 'curl.sh',
    command: 'sh',
    path: '/v1/chat/completions',
    expected: TEXT.chat,
    parse: (out) => JSON.parse(out).choices[0].message.content,
  },
  { file: 'httpx-python.py', command: pythonDebian, path: '/v1/chat/completions', expected: TEXT.chat },
  { file: 'requests-python.py', command: pythonDebian, path: '/v1/messages', expected: TEXT.messages },
  { file: 'openai-python.py', command: pythonSdks, path: '/v1/chat/completions', expected: TEXT.chatStream },
  { file: 'anthropic-python.py', command: pythonSdks, path: '/v1/messages', expected: TEXT.messages },
  {
    file: 'google-genai-python.py',
    command: pythonSdks,
    path: '/v1beta/models/gemini-2.5-flash:generateContent',
    expected: TEXT.gemini,
  },
];

/** Snippets shown but not run (their package is in no registry this project reaches): file → doc section. */
const NOT_RUN: Record<string, string> = { 'litellm-python.py': 'LiteLLM' };

/** The keys a user has in the environment (made up: the fake provider takes any). */
const KEYS = {
  OPENAI_API_KEY: 'sk-test-snippet',
  ANTHROPIC_API_KEY: 'sk-ant-test-snippet',
  GEMINI_API_KEY: 'gemini-test-snippet',
  GOOGLE_GENERATIVE_AI_API_KEY: 'gemini-test-snippet',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIACLIENTEXAMPLE001',
  AWS_SECRET_ACCESS_KEY: 'client-secret-never-stored',
  PYTHONDONTWRITEBYTECODE: '1',
};
/** The proxy re-signs forwarded Bedrock requests with its own credentials (docs/bedrock.md). */
const PROXY_AWS = { AWS_ACCESS_KEY_ID: 'AKIAPROXYEXAMPLE0001', AWS_SECRET_ACCESS_KEY: 'proxy-secret-never-stored' };

const episodeOf = (file: string): string => file.replace(/\W+/g, '-');

function runSnippet(s: Snippet, proxy: TestProxy): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = cliEnv({ ...KEYS, ...proxy.envFor(episodeOf(s.file)) });
  for (const k of Object.keys(env))
    if (/^(AWS_PROFILE|AWS_ENDPOINT_URL$|OPENAI_API_BASE|ANTHROPIC_API_URL|OPENAI_AGENTS_)/.test(k)) delete env[k];
  return new Promise((resolve) => {
    execFile(
      s.command as string,
      [join(EXAMPLES, s.file)],
      { env, cwd: EXAMPLES, timeout: 90_000, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code as number) : null) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

const printed = (s: Snippet, stdout: string): string => (s.parse ? s.parse(stdout) : stdout).trim();

let upstream: FakeUpstream;
const upstreams = (): string[] => ['openai', 'anthropic', 'gemini', 'bedrock'].map((p) => `${p}=${upstream.url}`);
let store: string;
const recorded = new Map<string, string>();

describe('the client snippets of docs/clients.md', () => {
  const doc = readFileSync(join(REPO_DIR, 'docs', 'clients.md'), 'utf8');

  it('every file in docs/examples is shown verbatim in docs/clients.md and is run below, or is marked there as not run', () => {
    const run = new Set(SNIPPETS.map((s) => s.file));
    for (const file of readdirSync(EXAMPLES)) {
      expect(doc, `docs/clients.md does not show docs/examples/${file} as it is`).toContain(
        readFileSync(join(EXAMPLES, file), 'utf8').trimEnd(),
      );
      if (run.has(file)) continue;
      expect(Object.keys(NOT_RUN), `docs/examples/${file} is neither run by this test nor listed in NOT_RUN`).toContain(file);
      const heading = doc.indexOf(`## ${NOT_RUN[file]}`);
      expect(heading, `no "## ${NOT_RUN[file]}" section`).toBeGreaterThanOrEqual(0);
      expect(doc.slice(heading).split(/\n## /)[0], `the ${NOT_RUN[file]} section must say it is not run`).toContain('**not run**');
    }
  });

  describe('recorded live against a fake provider', () => {
    let live: TestProxy;
    beforeAll(async () => {
      upstream = await startFakeUpstream({
        routes: [
          { when: (r) => r.path === '/v1/chat/completions' && r.json?.stream === true, answer: chatStream },
          { when: (r) => r.path === '/v1/chat/completions', answer: chat },
          { when: (r) => r.path === '/v1/responses', answer: responses },
          { when: (r) => r.path === '/v1/messages' && r.json?.stream === true, answer: messagesStream },
          { when: (r) => r.path === '/v1/messages', answer: messages },
          { when: (r) => r.path.endsWith(':generateContent'), answer: gemini },
          { when: (r) => r.path.endsWith('/converse'), answer: converse },
        ],
      });
      store = join(tempDir(), 'cassettes.db');
      live = await startProxy({ mode: 'live', store, upstream: upstreams() });
      Object.assign(process.env, PROXY_AWS);
    });
    afterAll(async () => {
      for (const k of Object.keys(PROXY_AWS)) delete process.env[k];
      await live.stop();
    });

    for (const s of SNIPPETS) {
      it.skipIf(!s.command)(
        `${s.file} prints the provider's answer`,
        async () => {
          const before = upstream.requests.length;
          const out = await runSnippet(s, live);
          expect(out.code, out.stderr).toBe(0);
          expect(printed(s, out.stdout)).toBe(s.expected);
          const sent = upstream.requests.slice(before);
          expect(sent.map((r) => r.path)).toEqual([s.path]);
          recorded.set(s.file, out.stdout);
        },
        120_000,
      );
    }
  });

  describe('replayed golden, nothing sent upstream', () => {
    let golden: TestProxy;
    beforeAll(async () => {
      // The same upstreams: anything golden sent on would show in the fake provider's connection count.
      golden = await startProxy({ store, upstream: upstreams() });
    });

    for (const s of SNIPPETS) {
      it.skipIf(!s.command)(
        `${s.file} prints the recorded answer`,
        async () => {
          expect(recorded.has(s.file), 'the live run of this snippet failed').toBe(true);
          const connections = upstream.connections;
          const out = await runSnippet(s, golden);
          expect(out.code, out.stderr).toBe(0);
          expect(out.stdout).toBe(recorded.get(s.file));
          expect(printed(s, out.stdout)).toBe(s.expected);
          expect(upstream.connections).toBe(connections);
        },
        120_000,
      );
    }
  });
});
