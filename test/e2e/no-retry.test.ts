// Issue 14 item 12: every error the proxy answers itself carries `x-should-retry: false`, 5xx too,
// so the real openai SDK (default maxRetries 2) sends an unreachable-upstream request once, not three times.
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cassette, tempDir } from '../cli/cli-helpers.js';
import { OPENAI_ENTRY } from '../helpers/sut-child.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('x-should-retry: false on the proxy’s own 5xx', () => {
  it('the openai SDK with its default retries asks an unreachable upstream once', async () => {
    const child = join(tmp.dir, 'child.mjs');
    writeFileSync(
      child,
      `import OpenAI from ${JSON.stringify(OPENAI_ENTRY)};
const client = new OpenAI({ apiKey: 'sk-test' });
try {
  await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
} catch (e) {
  console.error('CHILD ERROR ' + e.status + ' retry=' + e.headers?.get?.('x-should-retry'));
}
`,
    );
    const port = await closedPort();
    const r = await cassette(
      [
        'run',
        '--mode',
        'live',
        '--store',
        'dir-store',
        '--upstream',
        `openai=http://127.0.0.1:${port}`,
        '--json',
        '--',
        process.execPath,
        child,
      ],
      tmp.dir,
    );
    expect(r.stderr).toContain('CHILD ERROR 502 retry=false');
    const summary = JSON.parse(r.stdout) as { requests: number; faults: number };
    expect(summary.requests).toBe(1);
  }, 60_000);
});
