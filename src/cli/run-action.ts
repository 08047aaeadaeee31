import { loadOptions } from '../config/load-config.js';
import type { CliFlags } from '../config/load-config.js';
import { createLogger } from '../log.js';
import { startCassetteServer } from '../server/create-cassette-server.js';
import { formatSummary } from './format-summary.js';
import { printJson, printTalk } from './output.js';
import { runChild } from './run-child.js';

/** `cassette run [opts] -- CMD...`: proxy on a free port around one command; the child's exit code, else 1 on a miss. */
export async function runAction(cmd: string[], flags: CliFlags & { json?: boolean }): Promise<number> {
  const options = await loadOptions({ ...flags, port: flags.port ?? '0' });
  const logger = createLogger(options.logLevel);
  const server = await startCassetteServer(options, { logger });
  let code: number;
  try {
    code = await runChild(cmd, { ...server.env, CASSETTE_EPISODE: options.episode }, { stdoutToStderr: flags.json === true });
  } finally {
    await server.stop();
  }
  const summary = server.summary();
  printTalk(formatSummary(summary));
  const exitCode = code !== 0 ? code : summary.ok ? 0 : 1;
  // `ok` is the run's verdict (what the exit code says), the proxy's own in `proxyOk`.
  if (flags.json) printJson({ ...summary, ok: exitCode === 0, proxyOk: summary.ok, exitCode, commandExitCode: code });
  return exitCode;
}
