import type { Command } from 'commander';
import { loadOptions } from '../config/load-config.js';
import type { CliFlags } from '../config/load-config.js';
import { createLogger } from '../log.js';
import { startCassetteServer } from '../server/create-cassette-server.js';
import { addProxyOptions } from './common-options.js';
import { formatSummary } from './format-summary.js';
import { printJson, printTalk } from './output.js';
import { runChild } from './run-child.js';

/** `cassette run [opts] -- CMD...`: proxy on a free port around one command. */
export function registerRunCommand(program: Command, setExit: (code: number) => void): void {
  addProxyOptions(
    program
      .command('run')
      .description('start the proxy on a free port, run CMD with the base URLs set, print a summary')
      .argument('<cmd...>', 'the command to run, after --'),
  )
    .passThroughOptions()
    .action(async (cmd: string[], flags: CliFlags & { json?: boolean }) => {
      const options = loadOptions({ ...flags, port: flags.port ?? '0' });
      const logger = createLogger(options.logLevel);
      const server = await startCassetteServer(options, { logger });
      let code: number;
      try {
        code = await runChild(cmd, { ...server.env, CASSETTE_EPISODE: options.episode });
      } finally {
        await server.stop();
      }
      const summary = server.summary();
      printTalk(formatSummary(summary));
      if (flags.json) printJson({ ...summary, exitCode: code });
      setExit(code !== 0 ? code : summary.ok ? 0 : 1);
    });
}
