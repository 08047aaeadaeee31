import type { Command } from 'commander';
import { addProxyOptions } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette serve`: runs the proxy until SIGINT/SIGTERM. */
export function registerServeCommand(program: Command, setExit: SetExit): void {
  addProxyOptions(program.command('serve').description('run the proxy and print the base URLs to export'))
    .option('--exit-with-parent', 'stop when the process that started the proxy exits or closes its stdin')
    .action(lazyAction(async () => (await import('./serve-action.js')).serveAction, setExit));
}
