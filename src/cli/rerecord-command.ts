import type { Command } from 'commander';
import { addStoreOption, collect } from './common-options.js';
import { lazyAction } from './lazy-action.js';
import type { SetExit } from './lazy-action.js';

/** `cassette rerecord EP`: one episode's requests re-sent live into a new take. */
export function registerRerecordCommand(program: Command, setExit: SetExit): void {
  addStoreOption(
    program
      .command('rerecord')
      .description("re-send one episode's recorded requests to the live providers and record the answers as a new take")
      .argument('<episode>', 'episode id'),
  )
    .option('--config <file>', 'config file (default cassette.config.json if present)')
    .option('--upstream <name=url>', 'override a provider upstream (repeatable; env CASSETTE_UPSTREAM_<NAME>)', collect)
    .option('--allow-upstream <hosts>', 'hosts forwarding may reach, HOST[:PORT],... (repeatable)', collect)
    .option('--max-cost <usd>', 'stop forwarding once this much was spent')
    .option('--quiet', 'log only warnings and errors')
    .option('--json', 'one JSON document: {"ok","episode","from","take","requests","failed","changed","steps"}')
    .action(lazyAction(async () => (await import('./rerecord-action.js')).rerecordAction, setExit));
}
