import type { Command } from 'commander';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette ui`: the web UI over a store, read-only, without a proxy. */
export function registerUiCommand(program: Command, setExit: SetExit): void {
  program
    .command('ui')
    .description('serve the web UI over a store, read-only, on 127.0.0.1, and print its URL')
    .option('--store <path>', 'store to read (env CASSETTE_STORE)')
    .option('--port <port>', 'port to listen on (default 0: any free port)')
    .option('--contracts <dir>', 'baseline contracts for the drift view (default contracts/)')
    .option('--config <file>', 'config file (default cassette.config.json if present)')
    .option('--json', 'print {"ok":true,"url":...} once it accepts connections')
    .action(lazyAction(async () => (await import('./ui-action.js')).uiAction, setExit));
}
