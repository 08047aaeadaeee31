import type { Command } from 'commander';
import { collect } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette report --out FILE`: one self-contained HTML file for a store, some episodes or a contract check. */
export function registerReportCommand(program: Command, setExit: SetExit): void {
  program
    .command('report')
    .description('write one self-contained HTML report (no server, no network) of the store, some episodes, or a contract check')
    .requiredOption('--out <file>', 'the HTML file to write')
    .option('--store <path>', 'store to read (env CASSETTE_STORE)')
    .option('--episode <id>', 'only this episode (repeatable)', collect)
    .option('--contract', 'a contract check report: run the check against the baseline and show its findings')
    .option('--contracts <dir>', 'baseline contracts (default contracts/)')
    .option('--config <file>', 'config file (default cassette.config.json if present)')
    .option('--max-interactions <n>', 'embed at most this many interactions whole (default 2000)')
    .option('--json', 'print {"ok":true,"out":...} on stdout')
    .action(lazyAction(async () => (await import('./report-action.js')).reportAction, setExit));
}
