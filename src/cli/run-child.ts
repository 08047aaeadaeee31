import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { CassetteError } from '../errors.js';

/**
 * Runs a command with extra environment, stdio inherited; resolves with its exit code (128+n for a
 * signal). `stdoutToStderr` (every `--json` command): the command's stdout goes to our stderr, so
 * our stdout stays one JSON document.
 */
export function runChild(
  argv: readonly string[],
  env: Record<string, string>,
  options: { stdoutToStderr?: boolean } = {},
): Promise<number> {
  const [cmd, ...args] = argv;
  if (!cmd)
    return Promise.reject(new CassetteError('bad_usage', 'no command given after --', { hint: 'Example: cassette run -- npm test' }));
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: options.stdoutToStderr ? ['inherit', process.stderr, 'inherit'] : 'inherit',
      env: { ...process.env, ...env },
    });
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const cleanup = (): void => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
    };
    child.once('error', (err) => {
      cleanup();
      reject(new CassetteError('command_failed', `cannot run ${cmd}: ${err.message}`, { cause: err, hint: 'Check the command after --.' }));
    });
    child.once('exit', (code, signal) => {
      cleanup();
      resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 1) : 1));
    });
  });
}
