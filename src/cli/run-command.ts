import type { Command } from 'commander';
import { addProxyOptions } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette run [opts] -- CMD...`: proxy on a free port around one command. */
export function registerRunCommand(program: Command, setExit: SetExit): void {
  addProxyOptions(
    program
      .command('run')
      .description('start the proxy on a free port, run CMD with the base URLs set, print a summary')
      .argument('<cmd...>', 'the command to run, after --'),
  )
    .option('--report <file>', 'write a one-file HTML report of the run (misses explained) at the end')
    .option('--junit <file>', 'read the JUnit XML CMD writes to FILE and record per-test outcomes in the run ledger')
    .option('--repeat <n>', 'run CMD N times, each its own proxy session and ledger entry (measures flakiness)')
    .option('--label <name>', 'label the ledger entry (e.g. the CI job), so flaky can tell suites apart')
    .option('--ledger', 'record this run in the run ledger in any mode (golden: so prune --unused-since sees what it served)')
    .option('--no-ledger', 'do not record this run in the run ledger')
    .passThroughOptions()
    .action(lazyAction(async () => (await import('./run-action.js')).runAction, setExit));
}
