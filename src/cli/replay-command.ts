import type { Command } from 'commander';
import { addProxyOptions } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette replay EPISODE... [-- CMD...]` and `cassette replay EPISODE --live`. */
export function registerReplayCommand(program: Command, setExit: SetExit): void {
  addProxyOptions(
    program
      .command('replay')
      .description('replay whole episodes in golden mode (strict), or re-run one against the live provider with --live')
      .argument('[episodes-and-cmd...]', 'episode ids, then -- and the command to run per episode'),
    // Always golden (the episodes are the arguments); --live has its own options.
    ['mode', 'episode', 'seed', 'on-store-error', 'contracts'],
  )
    .option('--batch <file>', 'read episode ids from a file, one a line (# comments and blank lines skipped)')
    .option('--live', 're-send the newest take of EPISODE to the live provider and compare step by step')
    .option('--model <model>', 'with --live: rewrite the model of every request')
    .option('--provider <name>', 'with --live: only the steps of this provider')
    .option('--into <episode>', 'with --live: record the new answers as this episode (default EPISODE.live)')
    .option('--fail-on <what>', 'with --live: changed | never (default changed)')
    .option('--min-similarity <x>', 'with --live: text similarity under this counts as changed (default 0.5)')
    .action(lazyAction(async () => (await import('./replay-action.js')).replayAction, setExit));
}
