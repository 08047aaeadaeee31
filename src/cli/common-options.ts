import { Command, Option } from 'commander';
import { DEFAULT_STORE } from '../config/config-defaults.js';

/** Commander option parser for repeatable options: each use adds a value. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * The options every proxy-running command shares (SPEC §7 "Common options"), less `omit` (long
 * names without dashes): a command refuses what it does not use rather than ignore it.
 */
export function addProxyOptions(cmd: Command, omit: readonly string[] = []): Command {
  for (const option of proxyOptions()) if (!omit.includes(option.long?.slice(2) ?? '')) cmd.addOption(option);
  return cmd;
}

function proxyOptions(): Option[] {
  const cmd = new Command();
  cmd
    .option('--port <port>', 'port to listen on (0 = any free port)')
    .option('--host <host>', 'address to bind (default 127.0.0.1)')
    .option('--store <path>', 'store: *.db/*.sqlite/*.sqlite3 = SQLite, else a JSON directory (env CASSETTE_STORE)')
    .addOption(new Option('--mode <mode>', 'golden | live | record-missing | passthrough | smoke | mock (env CASSETTE_MODE, TEST_MODE)'))
    .option('--episode <id>', 'current episode (default "default")')
    .option('--seed <n>', 'seed for mock mode (env CASSETTE_SEED, TEST_SEED)')
    .option('--config <file>', 'config file (default cassette.config.json if present)')
    .option('--lock <file>', 'golden serves only the takes pinned in this file (env CASSETTE_LOCK; default cassette.lock if present)')
    .option('--upstream <name=url>', 'override a provider upstream (repeatable; env CASSETTE_UPSTREAM_<NAME>)', collect)
    .option('--allow-upstream <hosts>', 'hosts forwarding may reach, HOST[:PORT],... (repeatable)', collect)
    .option('--strict', 'a request repeated more often than recorded is a miss')
    .option('--no-strict', 'past the last recording of a request, the last one repeats')
    .option('--timing <timing>', 'stream replay timing: instant | recorded | factor such as 0.5')
    .option('--max-cost <usd>', 'stop forwarding once this much was spent (live)')
    .option('--max-requests <n>', 'stop forwarding after this many upstream requests (live)')
    .option('--chaos <rate>', 'inject faults into this share of requests (0..1)')
    .option('--chaos-seed <n>', 'seed for fault injection')
    .option('--chaos-faults <list>', 'faults to inject: 429,500,503,529,timeout,reset,truncate,slow')
    .option('--tls', 'listen with TLS (https/wss) using a self-signed certificate made on first use')
    .option('--tls-cert <file>', 'TLS certificate (PEM) for the listener, with --tls-key')
    .option('--tls-key <file>', 'TLS private key (PEM) for the listener, with --tls-cert')
    .option('--auth-token <token>', 'require this token (header x-cassette-auth) on every request')
    .option('--on-store-error <what>', 'fail | forward: what live mode does when the store cannot be written')
    .option('--contracts <dir>', 'baseline contracts for smoke mode (default contracts/)')
    .option('--quiet', 'log only warnings and errors')
    .option('--verbose', 'log debug details too')
    .option('--json', 'machine-readable output on stdout');
  return cmd.options as Option[];
}

/** Adds `--store PATH` to a store-keeping command. */
export function addStoreOption(cmd: Command): Command {
  return cmd.option(
    '--store <path>',
    `store: *.db/*.sqlite/*.sqlite3 = SQLite, else a JSON directory (env CASSETTE_STORE, default ${DEFAULT_STORE})`,
  );
}
