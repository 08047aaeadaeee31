import type { Command } from 'commander';
import { addStoreOption } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette gate`: latency, throughput and cost of the current calls against a baseline (docs/gates.md). */
export function registerGateCommand(program: Command, setExit: SetExit): void {
  addStoreOption(program.command('gate').description('latency, throughput and cost regressions of the current calls against a baseline'))
    .option(
      '--baseline <what>',
      'run[:previous|ID], take[:previous|N] or a baseline file (default perf/baselines.json if present, else run:previous)',
    )
    .option('--current <what>', 'run[:latest|ID] or take[:latest|N] (default the newest run that recorded calls, else the newest takes)')
    .option('--write-baseline <file>', 'write the current statistics to FILE (e.g. perf/baselines.json) instead of comparing')
    .option('--p50 <rate>', 'allowed growth of p50 latency (default 10%; env PERF_REGRESSION_THRESHOLD)')
    .option('--p95 <rate>', 'allowed growth of p95 latency (default 15%)')
    .option('--p99 <rate>', 'allowed growth of p99 latency (default 20%)')
    .option('--throughput <rate>', 'allowed drop of tokens per second and throughput (default 5%)')
    .option('--cost-ceiling <usd>', 'most the current calls may cost, USD (env PERF_COST_CEILING)')
    .option('--min-samples <n>', 'calls a group needs on both sides before a regression fails the gate (default 20)')
    .option('--markdown <file>', 'also write a markdown report')
    .option('--junit <file>', 'also write a JUnit report')
    .option('--config <file>', 'config file (default cassette.config.json if present)')
    .option('--json', 'print one JSON document')
    .action(lazyAction(async () => (await import('./gate-action.js')).gateAction, setExit));
}
