import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/open-store.js';
import type { Interaction, Usage } from '../../src/types.js';

const BIN = new URL('../../bin/cassette.js', import.meta.url).pathname;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI in `cwd` (a temp dir, so no cassette.config.json is picked up by accident). */
export function cassette(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  const { CASSETTE_STORE: _ignored, ...rest } = process.env;
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, env: { ...rest, NO_COLOR: '1', ...env } }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 99) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A temp directory removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'cassette-cli-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface CallSpec {
  ask?: string;
  answer?: string;
  model?: string;
  usage?: Usage;
  totalMs?: number;
  ttfbMs?: number;
  streamed?: boolean;
  key?: string;
  complete?: boolean;
  headers?: Record<string, string>;
  /** Anthropic Messages instead of OpenAI chat (cache tokens reported beside the input count). */
  anthropic?: boolean;
}

/** An OpenAI chat (or Anthropic messages) interaction as the recorder would store it. */
export function chatInteraction(episode: string, position: number, spec: CallSpec = {}): Interaction {
  const model = spec.model ?? 'gpt-4o-mini';
  const usage = spec.usage ?? { inputTokens: 10, outputTokens: 5 };
  const answer = spec.answer ?? `answer ${position}`;
  return {
    episode,
    take: 0,
    position,
    provider: spec.anthropic ? 'anthropic' : 'openai',
    family: spec.anthropic ? 'anthropic' : 'openai',
    key: spec.key ?? `key-${position}`,
    keyVersion: 1,
    occurrence: 1,
    request: {
      method: 'POST',
      path: spec.anthropic ? '/v1/messages' : '/v1/chat/completions',
      query: [],
      headers: { 'content-type': 'application/json', ...spec.headers },
      body: {
        kind: 'json',
        json: {
          model,
          messages: [
            { role: 'system', content: 'be brief' },
            { role: 'user', content: spec.ask ?? `question ${position}` },
          ],
        },
      },
    },
    response: spec.streamed
      ? {
          status: 200,
          headers: { 'content-type': 'text/event-stream' },
          stream: {
            format: 'sse',
            complete: spec.complete ?? true,
            events: [
              { ms: 5, raw: 'data: {}\n\n' },
              { ms: 9, raw: 'data: [DONE]\n\n' },
            ],
          },
        }
      : {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: { kind: 'json', json: { choices: [{ message: { content: answer } }] } },
        },
    complete: spec.complete ?? true,
    timings: { ttfbMs: spec.ttfbMs ?? 20, totalMs: spec.totalMs ?? 100 },
    usage,
    assembled: { text: answer, toolCalls: [], finishReason: 'stop', model, usage },
    recordedAt: '2026-01-02T03:04:05.000Z',
    productVersion: '0.1.0',
  };
}

/** Writes takes through the real store API: `{ episode: [[take 1 calls], [take 2 calls]] }`. */
export async function writeStore(path: string, episodes: Record<string, CallSpec[][]>): Promise<void> {
  const store = await openStore(path);
  try {
    for (const [episode, takes] of Object.entries(episodes)) {
      for (const calls of takes) {
        const writer = await store.beginTake(episode, 'live');
        for (const spec of calls) await writer.append(chatInteraction(episode, writer.nextPosition(), spec));
        await writer.finish();
      }
    }
  } finally {
    await store.close();
  }
}
