// Vitest globalSetup for test/helpers/postgres.ts: makes the run's temp root for the shared
// PostgreSQL server (started lazily by the first test file that needs it) and, at the end of the
// run, stops that server and removes its data.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

export default function setup(project: TestProject): () => Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'cassette-pg-run-'));
  // The server runs as the `postgres` user when the tests run as root: it must reach its data.
  chmodSync(root, 0o755);
  project.provide('cassettePgRoot', root);
  return async () => {
    const pidFile = join(root, 'data', 'postmaster.pid');
    if (existsSync(pidFile)) {
      const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      if (pid > 0) {
        try {
          process.kill(pid, 'SIGQUIT'); // immediate shutdown: the data is thrown away next
          const deadline = Date.now() + 10_000;
          while (Date.now() < deadline) {
            process.kill(pid, 0);
            await new Promise((r) => setTimeout(r, 50));
          }
        } catch {
          // gone
        }
      }
    }
    rmSync(root, { recursive: true, force: true });
  };
}
