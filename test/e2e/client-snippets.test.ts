// Issue 14 item 23: the client snippets of docs/clients.md are the files in docs/examples/, and
// each runs as it is: recorded through `cassette run --mode live` against a fake provider, then
// replayed by `cassette run` in golden mode with the upstream gone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, useCleanup } from '../helpers/cleanup.js';
import { corpus, responseJson } from '../helpers/corpus.js';
import { startFakeUpstream } from '../helpers/fake-upstream.js';
import { REPO_DIR, runCli } from '../helpers/proxy.js';

useCleanup();

const SNIPPETS = [
  { file: 'openai-node.mjs', provider: 'openai', path: '/v1/chat/completions', answer: corpus('openai/chat-completions-basic.json') },
  { file: 'anthropic-node.mjs', provider: 'anthropic', path: '/v1/messages', answer: corpus('anthropic/messages-basic.json') },
] as const;

const KEYS = { OPENAI_API_KEY: 'sk-test-snippet', ANTHROPIC_API_KEY: 'sk-ant-test-snippet' };

describe('the client snippets of docs/clients.md', () => {
  const doc = readFileSync(join(REPO_DIR, 'docs', 'clients.md'), 'utf8');

  for (const s of SNIPPETS) {
    it(`${s.file}: shown verbatim in the docs, records live and replays golden`, async () => {
      const snippet = join(REPO_DIR, 'docs', 'examples', s.file);
      expect(doc).toContain(readFileSync(snippet, 'utf8'));
      const upstream = await startFakeUpstream({ routes: [{ when: (r) => r.path === s.path, answer: s.answer }] });
      const dir = tempDir();
      const store = join(dir, 'cassettes.db');
      const json = responseJson(s.answer);
      const text: string = s.provider === 'openai' ? json.choices[0].message.content : json.content[0].text;

      const live = await runCli(
        [
          'run',
          '--mode',
          'live',
          '--store',
          store,
          '--episode',
          'snippet',
          '--upstream',
          `${s.provider}=${upstream.url}`,
          '--',
          'node',
          snippet,
        ],
        { cwd: dir, env: KEYS },
      );
      expect(live.code, live.stderr).toBe(0);
      expect(live.stdout.trim()).toBe(text);
      expect(upstream.requests).toHaveLength(1);
      await upstream.stop();

      const golden = await runCli(['run', '--store', store, '--episode', 'snippet', '--', 'node', snippet], { cwd: dir, env: KEYS });
      expect(golden.code, golden.stderr).toBe(0);
      expect(golden.stdout.trim()).toBe(text);
    }, 120_000);
  }
});
