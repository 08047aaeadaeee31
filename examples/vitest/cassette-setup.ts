// vitest setup file: one proxy per test file, one episode per test, named after the test.
// vitest.config.ts: test: { setupFiles: ['./cassette-setup.ts'] }
// Record once with CASSETTE_MODE=live (and real keys), commit cassettes/, replay in CI with no keys.
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { startCassette } from 'llm-cassette-proxy';
import type { Cassette } from 'llm-cassette-proxy';

let cassette: Cassette;

beforeAll(async () => {
  cassette = await startCassette({ store: 'cassettes/' });
  // The SDKs read these when a client is constructed, so construct clients inside tests.
  Object.assign(process.env, cassette.env);
});

beforeEach(() => {
  const name = expect.getState().currentTestName ?? 'unnamed';
  cassette.setEpisode(
    name
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '')
      .slice(0, 128) || 'unnamed',
  );
});

afterAll(async () => {
  const summary = cassette.summary();
  await cassette.stop();
  if (summary.misses > 0)
    throw new Error(`${summary.misses} LLM request(s) had no recording:\n${summary.missList.map((m) => m.message).join('\n')}`);
});
