import type { Command } from 'commander';
import { DEFAULT_CONTRACTS_DIR } from '../config/config-defaults.js';
import { collect } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette contract update | check`: learn contracts from the cassettes, compare answers with them. */
export function registerContractCommand(program: Command, setExit: SetExit): void {
  const contract = program.command('contract').description('infer response contracts from the store and check for drift');
  contract
    .command('update')
    .description('write the baseline contracts inferred from the store to contracts/*.json')
    .option('--store <path>', 'store to read')
    .option('--config <file>', 'config file')
    .option('--contracts <dir>', `where contracts live (default ${DEFAULT_CONTRACTS_DIR}/)`)
    .option('--provider <name>', 'only this provider (repeatable)', collect)
    .option('--all-takes', 'learn from every take, not only the newest of each episode')
    .option('--json', 'machine-readable output')
    .action(lazyAction(async () => (await import('./contract-action.js')).contractUpdateAction, setExit));
  contract
    .command('check')
    .description('compare the newest take of each episode (or a live probe with --live) with the baselines')
    .option('--store <path>', 'store to read (and, with --live, to record the probe into)')
    .option('--config <file>', 'config file')
    .option('--contracts <dir>', `where contracts live (default ${DEFAULT_CONTRACTS_DIR}/)`)
    .option('--episode <id>', 'only this episode (also the probe set with --live)')
    .option('--provider <name>', 'only this provider (repeatable)', collect)
    .option('--live', 're-send the recorded requests to the live providers first and check their answers')
    .option('--upstream <name=url>', 'override a provider upstream (repeatable)', collect)
    .option('--allow-upstream <hosts>', 'hosts the live probe may reach', collect)
    .option('--max-cost <usd>', 'bound the cost of the live probe')
    .option('--fail-on <severity>', 'breaking | warning | info | never (default breaking)')
    .option('--json', 'print {"ok","findings":[...]} on stdout')
    .option('--junit <file>', 'also write a JUnit XML report')
    .option('--markdown <file>', 'also write a markdown report (for a PR comment or an issue)')
    .action(lazyAction(async () => (await import('./contract-action.js')).contractCheckAction, setExit));
}
