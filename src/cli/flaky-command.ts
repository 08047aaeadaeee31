import type { Command } from 'commander';
import { addStoreOption } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette flaky`: per-test failure rates over the run ledger, quarantine file (docs/gates.md). */
export function registerFlakyCommand(program: Command, setExit: SetExit): void {
  addStoreOption(
    program.command('flaky').description('flaky and quarantined tests over the last runs, and answer variability across live takes'),
  )
    .option('--runs <n>', 'window: the last N runs with per-test outcomes (default 20)')
    .option('--flaky-above <rate>', 'failure rate above which a test is flaky (default 10%)')
    .option('--quarantine-above <rate>', 'failure rate above which a test is quarantined (default 20%)')
    .option('--min-runs <n>', 'runs a test needs before it can be called flaky (default 5)')
    .option('--max-flaky <n>', 'budget: exit 1 when more tests than this are flaky or quarantined (default 0)')
    .option('--label <name>', 'only runs recorded with this --label')
    .option('--quarantine [file]', 'write the quarantine file (default cassette-quarantine.json)')
    .option('--action <what>', 'what readers of the quarantine file do: skip | xfail (default skip)')
    .option('--markdown <file>', 'also write a markdown report')
    .option('--junit <file>', 'also write a JUnit report')
    .option('--config <file>', 'config file (default cassette.config.json if present)')
    .option('--json', 'print one JSON document')
    .action(lazyAction(async () => (await import('./flaky-action.js')).flakyAction, setExit));
}
