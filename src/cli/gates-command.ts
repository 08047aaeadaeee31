import type { Command } from 'commander';
import { addStoreOption } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette gates`: the configured gates in one go, one markdown summary and one JUnit file (docs/gates.md). */
export function registerGatesCommand(program: Command, setExit: SetExit): void {
  addStoreOption(program.command('gates').description('run the configured quality gates: flaky, perf, cost, stale, drift'))
    .option('--only <gates>', 'comma-separated subset: flaky,perf,cost,stale,drift (default config gates.run, else all)')
    .option('--markdown <file>', 'write the markdown summary here (default: stdout, and appended to $GITHUB_STEP_SUMMARY when set)')
    .option('--junit <file>', 'write JUnit XML for the CI test tab')
    .option('--baseline <what>', 'perf baseline: run[:…], take[:…] or a file (default perf/baselines.json if present, else run:previous)')
    .option('--older-than <duration>', 'staleness limit (default 30d)')
    .option('--contracts <dir>', 'baseline contracts for the drift gate (default contracts/)')
    .option('--config <file>', 'config file (default cassette.config.json if present)')
    .option('--json', 'print one JSON document')
    .action(lazyAction(async () => (await import('./gates-action.js')).gatesAction, setExit));
}
