// Everything a test starts is registered here and stopped in afterEach (see `useCleanup`).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const pending: (() => unknown)[] = [];

/** Registers a teardown step; steps run newest first. */
export function defer(step: () => unknown): void {
  pending.push(step);
}

/** Runs every registered teardown step (newest first), collecting failures. */
export async function runDeferred(): Promise<void> {
  const errors: unknown[] = [];
  while (pending.length > 0) {
    const step = pending.pop() as () => unknown;
    try {
      await step();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, 'teardown failed');
}

/** Call once per test file: stops every server and removes every temp dir after each test. */
export function useCleanup(): void {
  afterEach(runDeferred);
}

/** A fresh temp directory, removed after the test. */
export function tempDir(prefix = 'cassette-e2e-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A path for a fresh SQLite store in a temp directory. */
export function tempStore(name = 'cassettes.db'): string {
  return join(tempDir(), name);
}
